// `fly clear-task-cache`: forgets a job step's caches (one path, or all of them). The next run of
// the step gets an empty cache under a new key; GC removes the old directories.
import { NotFoundError } from '@jetbridge/api-types';
import { json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

export async function clearTaskCache(req: ApiRequest): Promise<Response> {
  const job = await req.ctx.pool.query<{ id: number }>(
    'SELECT id FROM jobs WHERE pipeline_id = $1 AND name = $2 AND active',
    [req.pipeline!.id, req.params.job_name],
  );
  const jobId = job.rows[0]?.id;
  if (jobId === undefined) throw new NotFoundError(`job '${req.params.job_name}' not found`);
  const path = req.query.get('cache_path') ?? '';
  const removed = await req.ctx.pool.query(
    `DELETE FROM task_caches WHERE job_id = $1 AND step_name = $2 AND ($3 = '' OR path = $3)`,
    [jobId, req.params.step_name, path],
  );
  req.log.info(
    { job_id: jobId, step: req.params.step_name, count: removed.rowCount },
    'task-cache-cleared',
  );
  return json(200, { caches_removed: removed.rowCount ?? 0 });
}
