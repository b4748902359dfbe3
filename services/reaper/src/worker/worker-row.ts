// The synthetic worker row `k8s-<namespace>` that stands in for Concourse's worker fleet: the API
// lists it, and it turns `stalled` once its expiry passes without a heartbeat.
import type { Pool } from '@jetbridge/db';

const baseTypes = ['mock', 'time', 'git', 'registry-image', 's3', 'docker-image', 'pool', 'semver'];

export const baseResourceTypes = baseTypes.map((type) => ({
  type,
  image: `concourse/${type}-resource`,
  version: '',
  privileged: type === 'docker-image',
  unique_version_history: type === 'time',
}));

export async function heartbeatWorker(
  pool: Pool,
  name: string,
  activeContainers: number,
  ttlMs: number,
): Promise<void> {
  await pool.query(
    `INSERT INTO workers (name, platform, version, state, active_containers, resource_types,
                          start_time, heartbeat_at, expires_at)
     VALUES ($1, 'linux', '3.0', 'running', $2, $3, now(), now(), now() + $4 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET
       state = 'running',
       active_containers = EXCLUDED.active_containers,
       resource_types = EXCLUDED.resource_types,
       heartbeat_at = now(),
       expires_at = EXCLUDED.expires_at,
       start_time = CASE WHEN workers.expires_at < now() THEN now() ELSE workers.start_time END`,
    [name, activeContainers, JSON.stringify(baseResourceTypes), ttlMs],
  );
}
