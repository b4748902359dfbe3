// PUT /api/v1/workers/:worker_name/{prune,land,retire}. JetBridge's only worker row is the
// reaper's `k8s-<namespace>`: there is no worker process to drain, so it cannot be landed or
// retired, and pruning it is allowed only once it is stalled (the reaper re-registers it when it
// comes back), as Concourse allows pruning only of workers that are not running.
import { empty, json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

interface WorkerState {
  state: string;
  is_expired: boolean;
}

/** The worker row, or null: Concourse answers an unknown worker with a bare 404. */
async function findWorker(req: ApiRequest): Promise<WorkerState | null> {
  const { rows } = await req.ctx.pool.query<WorkerState>(
    'SELECT state, expires_at <= now() AS is_expired FROM workers WHERE name = $1',
    [req.params.worker_name],
  );
  return rows[0] ?? null;
}

export async function pruneWorker(req: ApiRequest): Promise<Response> {
  const worker = await findWorker(req);
  if (!worker) return empty(404);
  if (worker.state === 'running' && !worker.is_expired) {
    return json(400, { stderr: 'cannot prune running worker' });
  }
  await req.ctx.pool.query('DELETE FROM workers WHERE name = $1 AND expires_at <= now()', [
    req.params.worker_name,
  ]);
  req.log.info({ worker: req.params.worker_name }, 'worker-pruned');
  return empty(200);
}

function cannot(action: 'landed' | 'retired') {
  return async (req: ApiRequest): Promise<Response> => {
    if (!(await findWorker(req))) return empty(404);
    return json(400, {
      stderr:
        `worker '${req.params.worker_name}' runs steps as Kubernetes pods and cannot be ${action}; ` +
        'stop the reaper and pod executors of its namespace instead',
    });
  };
}

export const landWorker = cannot('landed');
export const retireWorker = cannot('retired');
