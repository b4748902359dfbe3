// GET /api/v1/workers.
import { presentWorker, type WorkerRow } from './present/worker.ts';
import { json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

export async function listWorkers(req: ApiRequest): Promise<Response> {
  const rows = await req.ctx.pool.query<WorkerRow>(
    `SELECT w.name, w.platform, w.tags, t.name AS team_name, w.state, w.version,
       w.active_containers, w.resource_types, w.start_time, w.expires_at
     FROM workers w LEFT JOIN teams t ON t.id = w.team_id ORDER BY w.name`,
  );
  const caller = req.caller;
  const now = new Date();
  const visible = rows.rows.filter(
    (w) =>
      w.team_name === null ||
      (caller.kind === 'user' && (caller.isAdmin || caller.teams.has(w.team_name))),
  );
  return json(
    200,
    visible.map((w) => presentWorker(w, now)),
  );
}
