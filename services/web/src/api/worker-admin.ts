// PUT /api/v1/workers/:worker_name/{prune,land,retire}, answered as Concourse answers them. The
// only worker row is the reaper's `k8s-<namespace>`: land and retire set `landing` / `retiring`
// and answer 200, as for a running Concourse worker; with no worker process to drain, the
// reaper's next heartbeat registers the row as running again, as a restarted Concourse worker
// would (services/reaper/README.md). Pruning is refused only for a running worker.
import { empty, json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

export async function pruneWorker(req: ApiRequest): Promise<Response> {
  const name = req.params.worker_name;
  const deleted = await req.ctx.pool.query(
    `DELETE FROM workers WHERE name = $1 AND (state <> 'running' OR expires_at <= now())`,
    [name],
  );
  if ((deleted.rowCount ?? 0) > 0) {
    req.log.info({ worker: name }, 'worker-pruned');
    return empty(200);
  }
  const found = await req.ctx.pool.query('SELECT 1 FROM workers WHERE name = $1', [name]);
  // Concourse answers an unknown worker with a bare 404.
  if (found.rowCount === 0) return empty(404);
  return json(400, { stderr: 'cannot prune running worker' });
}

/** Concourse's Land keeps a landed worker landed; Retire always marks the worker retiring. */
function markWorker(state: 'landing' | 'retiring') {
  const next =
    state === 'landing'
      ? `CASE WHEN state = 'landed' THEN 'landed' ELSE 'landing' END`
      : `'retiring'`;
  return async (req: ApiRequest): Promise<Response> => {
    const name = req.params.worker_name;
    const updated = await req.ctx.pool.query(`UPDATE workers SET state = ${next} WHERE name = $1`, [
      name,
    ]);
    if (updated.rowCount === 0) return empty(404);
    req.log.info({ worker: name, state }, `worker-${state}`);
    return empty(200);
  };
}

export const landWorker = markWorker('landing');
export const retireWorker = markWorker('retiring');
