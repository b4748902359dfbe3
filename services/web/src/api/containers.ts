// Container routes: the team's step pods, filtered the way `fly hijack` asks for them.
import { BadRequestError, NotFoundError } from '@jetbridge/api-types';
import { instanceVarsKey } from './canonical-json.ts';
import { presentContainer, type ContainerRow } from './present/container.ts';
import { json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';
import { boundParam } from './ids.ts';

export const CONTAINER_SELECT = `
  SELECT c.handle, c.pod_name, c.worker_name, c.state, c.type, c.step_name, c.attempt,
    coalesce(c.pipeline_id, b.pipeline_id) AS pipeline_id, coalesce(c.job_id, b.job_id) AS job_id,
    c.build_id, c.resource_id, c.resource_type_id, p.name AS pipeline_name,
    p.instance_vars AS pipeline_instance_vars, j.name AS job_name, b.name AS build_name,
    r.name AS resource_name, rt.name AS resource_type_name, c.user_name, c.working_directory
  FROM containers c
  LEFT JOIN builds b ON b.id = c.build_id
  LEFT JOIN pipelines p ON p.id = coalesce(c.pipeline_id, b.pipeline_id)
  LEFT JOIN jobs j ON j.id = coalesce(c.job_id, b.job_id)
  LEFT JOIN resources r ON r.id = c.resource_id
  LEFT JOIN resource_types rt ON rt.id = c.resource_type_id`;

export async function listContainers(req: ApiRequest): Promise<Response> {
  const q = req.query;
  const params: unknown[] = [req.team!.id];
  // A container whose pod the reaper found gone is not offered, though its row waits out a grace.
  const where = ['c.team_id = $1', 'c.missing_since IS NULL'];
  const add = (sql: string, value: unknown) =>
    where.push(sql.replace('?', `$${params.push(value)}`));

  for (const [key, column] of [
    ['type', 'c.type'],
    ['step_name', 'c.step_name'],
    ['pipeline_name', 'p.name'],
    ['job_name', 'j.name'],
    ['build_name', 'b.name'],
    ['resource_name', 'r.name'],
  ] as const) {
    const value = q.get(key);
    if (value) add(`${column} = ?`, value);
  }
  // fly sends `-a 1,2` as `attempt=1,2`; a nested retry's container is stored as attempt `1.2`.
  const attempt = q.get('attempt');
  if (attempt) {
    add(
      'c.attempt = ?',
      attempt
        .split(/[,.]/)
        .map((n) => n.trim())
        .join('.'),
    );
  }
  const vars = q.get('vars');
  if (vars) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(vars) as Record<string, unknown>;
    } catch {
      throw new BadRequestError('vars must be a JSON object');
    }
    add('p.instance_vars_key = ?', instanceVarsKey(parsed));
  }
  for (const [key, column] of [
    ['build_id', 'c.build_id'],
    ['pipeline_id', 'p.id'],
    ['job_id', 'j.id'],
  ] as const) {
    const value = boundParam(q.get(key), key);
    if (value !== null) add(`${column} = ?`, value);
  }

  // Concourse keeps one check container per resource, reused by each check; here every check has
  // a pod of its own until GC, so a search for check containers answers with the newest per scope.
  if (q.get('type') === 'check') {
    where.push(`NOT EXISTS (
      SELECT 1 FROM containers newer
      WHERE newer.type = 'check' AND newer.team_id = c.team_id
        AND newer.resource_id IS NOT DISTINCT FROM c.resource_id
        AND newer.resource_type_id IS NOT DISTINCT FROM c.resource_type_id
        AND newer.created_at > c.created_at AND newer.missing_since IS NULL)`);
  }

  const rows = await req.ctx.pool.query<ContainerRow>(
    `${CONTAINER_SELECT} WHERE ${where.join(' AND ')} ORDER BY c.created_at`,
    params,
  );
  return json(200, rows.rows.map(presentContainer));
}

export async function findContainer(req: ApiRequest): Promise<ContainerRow> {
  const found = await req.ctx.pool.query<ContainerRow>(
    `${CONTAINER_SELECT} WHERE c.team_id = $1 AND c.handle = $2`,
    [req.team!.id, req.params.id],
  );
  const row = found.rows[0];
  if (!row) throw new NotFoundError(`container '${req.params.id}' not found`);
  return row;
}

export async function getContainer(req: ApiRequest): Promise<Response> {
  return json(200, presentContainer(await findContainer(req)));
}
