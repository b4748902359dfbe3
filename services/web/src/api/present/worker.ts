// atc.Worker from a worker row (the reaper writes the single `k8s-<namespace>` row).
import type { Worker } from '@jetbridge/api-types';

export interface WorkerRow {
  name: string;
  platform: string;
  tags: string[];
  team_name: string | null;
  state: string;
  version: string;
  active_containers: number;
  resource_types: unknown[];
  start_time: Date;
  expires_at: Date;
}

export function presentWorker(row: WorkerRow, now: Date): Worker {
  return {
    addr: '',
    baggageclaim_url: '',
    active_containers: row.active_containers,
    active_volumes: 0,
    active_tasks: 0,
    max_active_tasks: 0,
    resource_types: row.resource_types,
    platform: row.platform,
    tags: row.tags,
    team: row.team_name ?? '',
    name: row.name,
    version: row.version,
    start_time: Math.floor(row.start_time.getTime() / 1000),
    ephemeral: false,
    // A worker whose heartbeat lapsed is shown stalled, as Concourse does.
    state: row.expires_at <= now && row.state === 'running' ? 'stalled' : row.state,
  };
}
