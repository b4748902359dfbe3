// Garbage collection of the artifact store: a tar is deleted, under the very key it was written
// with, once nothing references it. References are the `artifacts` rows (fly execute uploads and
// downloadable outputs), the `resource_caches` rows, every artifact a step of a running build
// names (its inputs and what it produced) and, for claim-mode outputs, the step containers of
// builds still running. Tars younger than the grace period are never touched: their row or step
// may not be recorded yet.
import type { Pool } from '@jetbridge/db';
import type { ArtifactStore } from './store.ts';

export interface ArtifactGcSettings {
  /** Tars younger than this are kept whatever references them. */
  graceMs: number;
  /**
   * Uploads no running build uses are forgotten after this long, and so are the downloadable
   * outputs of builds that finished this long ago.
   */
  uploadRetentionMs: number;
  /** Resource caches no running build uses are forgotten this long after their last use. */
  resourceCacheRetentionMs: number;
  /** Temporary files of cut-off writers are removed after this long. */
  incomingMaxAgeMs: number;
}

export const defaultGcSettings: ArtifactGcSettings = {
  graceMs: 10 * 60 * 1000,
  uploadRetentionMs: 12 * 60 * 60 * 1000,
  resourceCacheRetentionMs: 24 * 60 * 60 * 1000,
  incomingMaxAgeMs: 60 * 60 * 1000,
};

export interface ArtifactGcReport {
  deleted: string[];
  expiredUploads: number;
  expiredResourceCaches: number;
  clearedIncoming: number;
}

const runningBuild = `b.status IN ('pending', 'started')`;

// Every artifact key a step of a running build names: its job's inputs and what it produced.
const runningStepKeys = `
  SELECT k #>> '{}' AS key
    FROM build_steps s
    JOIN builds b ON b.id = s.build_id AND ${runningBuild}
    CROSS JOIN LATERAL jsonb_path_query(s.result, 'lax $.** ? (@.kind == "artifact").key') k`;

async function expireUploads(pool: Pool, retentionMs: number): Promise<number> {
  const expired = await pool.query(
    `DELETE FROM artifacts a
     WHERE a.created_at < now() - make_interval(secs => $1)
       AND (a.build_id IS NULL
            OR EXISTS (SELECT 1 FROM builds f WHERE f.id = a.build_id
                         AND f.end_time < now() - make_interval(secs => $1)))
       AND NOT EXISTS (SELECT 1 FROM (${runningStepKeys}) u WHERE u.key = a.store_key)
       AND NOT EXISTS (
         SELECT 1 FROM builds b WHERE ${runningBuild} AND b.plan IS NOT NULL
           AND jsonb_path_exists(b.plan, '$.**.artifact_input.artifact_id ? (@ == $id)',
                                 jsonb_build_object('id', a.id)))`,
    [retentionMs / 1000],
  );
  return expired.rowCount ?? 0;
}

async function expireResourceCaches(pool: Pool, retentionMs: number): Promise<number> {
  const expired = await pool.query(
    `DELETE FROM resource_caches r
     WHERE r.last_used_at < now() - make_interval(secs => $1)
       AND NOT EXISTS (SELECT 1 FROM (${runningStepKeys}) u WHERE u.key = r.store_key)`,
    [retentionMs / 1000],
  );
  // A fetch row whose step ended without letting go (its replica died) holds nothing.
  await pool.query(
    `DELETE FROM resource_cache_fetches f
     WHERE NOT EXISTS (
       SELECT 1 FROM build_steps s JOIN builds b ON b.id = s.build_id AND ${runningBuild}
       WHERE s.build_id = f.build_id AND s.plan_id = f.plan_id AND s.state = 'running')`,
  );
  return expired.rowCount ?? 0;
}

async function referencedKeys(pool: Pool): Promise<{ keys: Set<string>; handles: Set<string> }> {
  const rows = await pool.query<{ key: string }>(
    `SELECT store_key AS key FROM artifacts
     UNION SELECT store_key FROM resource_caches
     UNION ${runningStepKeys}`,
  );
  const running = await pool.query<{ handle: string }>(
    `SELECT c.handle FROM containers c JOIN builds b ON b.id = c.build_id WHERE ${runningBuild}`,
  );
  return {
    keys: new Set(rows.rows.map((r) => r.key)),
    handles: new Set(running.rows.map((r) => r.handle)),
  };
}

// Claim-mode outputs are stored as `out-<handle>-<name digest>`.
function outputHandle(key: string): string | null {
  const match = /^out-([a-f0-9]{32})-/.exec(key);
  return match ? match[1]! : null;
}

export async function collectArtifacts(
  store: ArtifactStore,
  pool: Pool,
  settings: ArtifactGcSettings,
  now = Date.now(),
): Promise<ArtifactGcReport> {
  const expiredUploads = await expireUploads(pool, settings.uploadRetentionMs);
  const expiredResourceCaches = await expireResourceCaches(pool, settings.resourceCacheRetentionMs);
  // Listed before the references are read: a tar written after this listing is not considered.
  const listed = await store.list();
  const { keys, handles } = await referencedKeys(pool);
  const deleted: string[] = [];
  for (const { key, writtenAt } of listed) {
    if (now - writtenAt < settings.graceMs || keys.has(key)) continue;
    const handle = outputHandle(key);
    if (handle !== null && handles.has(handle)) continue;
    await store.delete(key);
    deleted.push(key);
  }
  const clearedIncoming = await store.clearIncoming(now - settings.incomingMaxAgeMs);
  return { deleted, expiredUploads, expiredResourceCaches, clearedIncoming };
}
