// `fly volumes`: what JetBridge stores for a team that outlives a step's pod — task caches on the
// cache claim and artifact tars in the artifact store — in the shape of Concourse's volumes.
// Inputs and outputs inside a running pod are emptyDir volumes of that pod, shown by kubectl.
import { workerName } from '@jetbridge/k8s';
import { json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

interface VolumeRow {
  id: string;
  type: 'task-cache' | 'artifact';
  path: string;
  pipeline_id: number | null;
  pipeline_name: string | null;
  pipeline_instance_vars: Record<string, unknown> | null;
  job_name: string | null;
  step_name: string | null;
}

export async function listVolumes(req: ApiRequest): Promise<Response> {
  const { rows } = await req.ctx.pool.query<VolumeRow>(
    `SELECT tc.store_key AS id, 'task-cache' AS type, tc.path, p.id AS pipeline_id,
            p.name AS pipeline_name, p.instance_vars AS pipeline_instance_vars,
            j.name AS job_name, tc.step_name
       FROM task_caches tc
       JOIN jobs j ON j.id = tc.job_id
       JOIN pipelines p ON p.id = j.pipeline_id
      WHERE tc.team_id = $1
     UNION ALL
     SELECT a.store_key, 'artifact', a.name, NULL, NULL, NULL, NULL, NULL
       FROM artifacts a
      WHERE a.team_id = $1
     ORDER BY 1`,
    [req.team!.id],
  );
  const worker = workerName(req.ctx.settings.namespace);
  return json(
    200,
    rows.map((row) => ({
      id: row.id,
      worker_name: worker,
      type: row.type,
      container_handle: '',
      path: row.path,
      parent_handle: '',
      resource_type: null,
      base_resource_type: null,
      pipeline_id: row.pipeline_id ?? 0,
      pipeline_name: row.pipeline_name ?? '',
      pipeline_instance_vars: row.pipeline_instance_vars ?? undefined,
      job_name: row.job_name ?? '',
      step_name: row.step_name ?? '',
    })),
  );
}
