// POST {J}/builds/:build_name: a pending rerun named `<name>.<k>` that reuses the original's inputs
// (the scheduler starts it ahead of newer builds).
import { ConflictError, NotFoundError } from '@jetbridge/api-types';
import { channels, inTransaction } from '@jetbridge/db';
import { findBuild } from './lookup.ts';
import { presentBuild } from './present/build.ts';
import { json, text } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

export async function rerunJobBuild(req: ApiRequest): Promise<Response> {
  const found = await req.ctx.pool.query<{
    job_id: number;
    disable_reruns: boolean | null;
    build_id: number | null;
    build_name: string | null;
    has_inputs: boolean;
  }>(
    `SELECT j.id AS job_id, (j.config->>'disable_reruns')::boolean AS disable_reruns,
       b.id AS build_id, b.name AS build_name, b.inputs IS NOT NULL AS has_inputs
     FROM jobs j LEFT JOIN builds b ON b.job_id = j.id AND b.name = $3
     WHERE j.pipeline_id = $1 AND j.name = $2 AND j.active`,
    [req.pipeline!.id, req.params.job_name, req.params.build_name],
  );
  const row = found.rows[0];
  if (!row) throw new NotFoundError(`job '${req.params.job_name}' not found`);
  if (row.build_id === null) throw new NotFoundError(`build '${req.params.build_name}' not found`);
  if (row.disable_reruns)
    throw new ConflictError(`reruns are disabled for job '${req.params.job_name}'`);
  if (!row.has_inputs) {
    return text(500, `build '${row.build_name}' has no recorded inputs to rerun with`);
  }

  const createdBy = req.caller.kind === 'user' ? req.caller.displayId : null;
  const buildId = await inTransaction(req.ctx.pool, async (db) => {
    await db.query('SELECT id FROM builds WHERE id = $1 FOR UPDATE', [row.build_id]);
    const inserted = await db.query<{ id: number }>(
      `INSERT INTO builds (team_id, pipeline_id, job_id, name, status, manually_triggered,
         created_by, rerun_of, rerun_number)
       SELECT $1, $2, $3, $4 || '.' || n, 'pending', true, $5, $6, n
       FROM (SELECT coalesce(max(rerun_number), 0) + 1 AS n FROM builds WHERE rerun_of = $6) AS k
       RETURNING id`,
      [req.team!.id, req.pipeline!.id, row.job_id, row.build_name, createdBy, row.build_id],
    );
    await db.query('UPDATE jobs SET schedule_requested = now() WHERE id = $1', [row.job_id]);
    return inserted.rows[0]!.id;
  });
  req.log.info({ build_id: buildId, rerun_of: row.build_id }, 'build-rerun-requested');
  await req.ctx.wakeups.notify(channels.schedule, String(req.pipeline!.id));
  return json(200, presentBuild((await findBuild(req.ctx.pool, buildId))!));
}
