// Resource version routes: list (filters, pagination), get, pin, enable and disable.
import { BadRequestError, NotFoundError } from '@jetbridge/api-types';
import type { ResourceVersion } from '@jetbridge/api-types';
import { isAuthorizedOn } from '../auth/caller.ts';
import { findResource, requestSchedule } from './resources.ts';
import { empty, json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';
import { idParam } from './ids.ts';
import { boundParam } from './ids.ts';

interface VersionRow {
  id: number;
  version: Record<string, string>;
  metadata: Array<{ name: string; value: string }>;
  enabled: boolean;
}

function present(row: VersionRow, showMetadata: boolean): ResourceVersion {
  const out: ResourceVersion = { id: row.id, version: row.version, enabled: row.enabled };
  if (showMetadata && row.metadata.length > 0) out.metadata = row.metadata;
  return out;
}

function parseFilters(query: URLSearchParams): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const raw of query.getAll('filter')) {
    const at = raw.indexOf(':');
    if (at < 0) throw new BadRequestError(`filter '${raw}' must be <key>:<value>`);
    filter[raw.slice(0, at)] = raw.slice(at + 1);
  }
  return filter;
}

/** Newest first by check order; `from`/`to` are version ids, as in Concourse's pages. */
export async function listResourceVersions(req: ApiRequest): Promise<Response> {
  const resource = await findResource(req);
  const limit = boundParam(req.query.get('limit'), 'limit') ?? 100;
  const from = boundParam(req.query.get('from'), 'from');
  const to = boundParam(req.query.get('to'), 'to');
  const params: unknown[] = [resource.id, JSON.stringify(parseFilters(req.query))];
  const conditions = ['v.resource_id = $1', 'v.version @> $2::jsonb'];
  conditions.push('v.config_hash = (SELECT config_hash FROM resources WHERE id = $1)');
  const orderOf = (ref: string) => `(SELECT check_order FROM resource_versions WHERE id = ${ref})`;
  if (from !== null) conditions.push(`v.check_order >= ${orderOf(`$${params.push(from)}`)}`);
  if (to !== null) conditions.push(`v.check_order <= ${orderOf(`$${params.push(to)}`)}`);
  const ascending = from !== null && to === null;
  const found = await req.ctx.pool.query<VersionRow & { check_order: number }>(
    `SELECT v.id, v.version, v.metadata, v.enabled, v.check_order FROM resource_versions v
     WHERE ${conditions.join(' AND ')}
     ORDER BY v.check_order ${ascending ? 'ASC' : 'DESC'}, v.id ${ascending ? 'ASC' : 'DESC'}
     LIMIT $${params.push(limit)}`,
    params,
  );
  const rows = ascending ? found.rows.reverse() : found.rows;
  const showMetadata =
    isAuthorizedOn(req.caller, req.team!.name, 'viewer') || resource.config.public === true;
  return json(
    200,
    rows.map((r) => present(r, showMetadata)),
  );
}

async function findVersion(req: ApiRequest): Promise<{ resourceId: number; row: VersionRow }> {
  const resource = await findResource(req);
  const raw = req.params.resource_config_version_id ?? '';
  const id = idParam(raw, 'version id');
  const found =
    id === null
      ? { rows: [] }
      : await req.ctx.pool.query<VersionRow>(
          'SELECT id, version, metadata, enabled FROM resource_versions WHERE id = $1 AND resource_id = $2',
          [id, resource.id],
        );
  const row = found.rows[0];
  if (!row) throw new NotFoundError(`resource version ${raw} not found`);
  return { resourceId: resource.id, row };
}

export async function getResourceVersion(req: ApiRequest): Promise<Response> {
  const { row } = await findVersion(req);
  return json(200, present(row, isAuthorizedOn(req.caller, req.team!.name, 'viewer')));
}

export async function pinResourceVersion(req: ApiRequest): Promise<Response> {
  const { resourceId, row } = await findVersion(req);
  await req.ctx.pool.query(
    'UPDATE resources SET pinned_version = $2, pinned_in_config = false WHERE id = $1',
    [resourceId, JSON.stringify(row.version)],
  );
  await requestSchedule(req);
  return empty(200);
}

async function setEnabled(req: ApiRequest, enabled: boolean): Promise<Response> {
  const { row } = await findVersion(req);
  await req.ctx.pool.query('UPDATE resource_versions SET enabled = $2 WHERE id = $1', [
    row.id,
    enabled,
  ]);
  await requestSchedule(req);
  return empty(200);
}

export const enableResourceVersion = (req: ApiRequest) => setEnabled(req, true);
export const disableResourceVersion = (req: ApiRequest) => setEnabled(req, false);
