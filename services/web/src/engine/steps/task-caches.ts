// Task caches: where each `caches:` path of a task lives on the cache claim. A job's cache is keyed
// by team, job, step and path, and its key is recorded in task_caches, so `fly clear-task-cache`
// (which deletes the row) makes the next run start from an empty directory under a new key, and GC
// can tell which cache directories are still referenced. One-off builds get a cache of their own.
import { createHash, randomBytes } from 'node:crypto';
import type { BuildRun } from '../plan/run-context.ts';

function baseKey(run: BuildRun, stepName: string, path: string): string {
  const owner = run.build.jobId === null ? `build-${run.build.id}` : `job-${run.build.jobId}`;
  const digest = createHash('sha256')
    .update(`${owner}\u0000${stepName}\u0000${path}`)
    .digest('hex');
  return `team-${run.build.teamId}-${digest.slice(0, 32)}`;
}

/** The cache key of (job, step, path): the recorded one, or a new one recorded now. */
export async function taskCacheKey(run: BuildRun, stepName: string, path: string): Promise<string> {
  const base = baseKey(run, stepName, path);
  if (run.build.jobId === null) return base;
  const found = await run.ctx.pool.query<{ store_key: string }>(
    `INSERT INTO task_caches (team_id, job_id, step_name, path, store_key)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (job_id, step_name, path) DO UPDATE SET store_key = task_caches.store_key
     RETURNING store_key`,
    [
      run.build.teamId,
      run.build.jobId,
      stepName,
      path,
      `${base}-${randomBytes(4).toString('hex')}`,
    ],
  );
  return found.rows[0]!.store_key;
}

export async function taskCaches(
  run: BuildRun,
  stepName: string,
  workingDir: string,
  caches: Array<{ path: string }>,
): Promise<Array<{ path: string; key: string }>> {
  const resolved = [];
  for (const cache of caches) {
    resolved.push({
      path: `${workingDir}/${cache.path}`,
      key: await taskCacheKey(run, stepName, cache.path),
    });
  }
  return resolved;
}
