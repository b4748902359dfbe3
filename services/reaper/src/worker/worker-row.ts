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

/**
 * Registers or refreshes the row as running and returns the state it had (null when there was
 * none). A row `fly land-worker` or `retire-worker` marked goes back to running here: there is no
 * worker process to drain, so the reaper re-registers it as a restarted Concourse worker would.
 */
export async function heartbeatWorker(
  pool: Pool,
  name: string,
  activeContainers: number,
  ttlMs: number,
): Promise<string | null> {
  const { rows } = await pool.query<{ previous: string | null }>(
    `WITH previous AS (SELECT state FROM workers WHERE name = $1)
     INSERT INTO workers (name, platform, version, state, active_containers, resource_types,
                          start_time, heartbeat_at, expires_at)
     VALUES ($1, 'linux', '3.0', 'running', $2, $3, now(), now(), now() + $4 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET
       state = 'running',
       active_containers = EXCLUDED.active_containers,
       resource_types = EXCLUDED.resource_types,
       heartbeat_at = now(),
       expires_at = EXCLUDED.expires_at,
       start_time = CASE WHEN workers.expires_at < now() OR workers.state <> 'running'
                         THEN now() ELSE workers.start_time END
     RETURNING (SELECT state FROM previous) AS previous`,
    [name, activeContainers, JSON.stringify(baseResourceTypes), ttlMs],
  );
  return rows[0]?.previous ?? null;
}
