// Build lists with Concourse's pagination: newest first, `from`/`to` bounds (ids, or Unix seconds
// with `timestamps=true`), `limit`, and Link headers to the older (next) and newer (previous) page.
import { presentBuild } from './present/build.ts';
import { json } from './respond.ts';
import { BUILD_SELECT, type BuildRow } from './rows.ts';
import type { ApiRequest } from './route-table.ts';
import { boundParam } from './ids.ts';

const DEFAULT_LIMIT = 100;

export interface BuildScope {
  /** SQL condition over `b` with $1.. placeholders. */
  where: string;
  params: unknown[];
  /** The list's path, percent-encoded as the client sent it. */
  path: string;
}

// Check builds belong to their resource (its versions and check status), not to build lists, as in
// Concourse; listing them would also make `fly watch` pick a check as the newest one-off build.
const listedBuilds = 'b.resource_id IS NULL AND b.resource_type_id IS NULL';

export async function listBuildPage(req: ApiRequest, listScope: BuildScope): Promise<Response> {
  const scope = { ...listScope, where: `(${listScope.where}) AND ${listedBuilds}` };
  const limit = boundParam(req.query.get('limit'), 'limit') ?? DEFAULT_LIMIT;
  const from = boundParam(req.query.get('from'), 'from');
  const to = boundParam(req.query.get('to'), 'to');
  const byTime = req.query.get('timestamps') === 'true';
  const key = byTime ? 'extract(epoch FROM coalesce(b.start_time, b.created_at))' : 'b.id';

  const params = [...scope.params];
  const conditions = [scope.where];
  if (from !== null) conditions.push(`${key} >= $${params.push(from)}`);
  if (to !== null) conditions.push(`${key} <= $${params.push(to)}`);
  // With only `from`, the page is the oldest builds after it; otherwise the newest up to `to`.
  const ascending = from !== null && to === null;
  const limitRef = `$${params.push(limit)}`;
  const found = await req.ctx.pool.query<BuildRow>(
    `${BUILD_SELECT} WHERE ${conditions.join(' AND ')}
     ORDER BY b.id ${ascending ? 'ASC' : 'DESC'} LIMIT ${limitRef}`,
    params,
  );
  const rows = ascending ? found.rows.reverse() : found.rows;

  const links: string[] = [];
  if (rows.length > 0 && !byTime) {
    const newest = rows[0]!.id;
    const oldest = rows.at(-1)!.id;
    const around = await req.ctx.pool.query<{ older: boolean; newer: boolean }>(
      `SELECT EXISTS (${BUILD_SELECT} WHERE ${scope.where} AND b.id < $${scope.params.length + 1}) AS older,
              EXISTS (${BUILD_SELECT} WHERE ${scope.where} AND b.id > $${scope.params.length + 2}) AS newer`,
      [...scope.params, oldest, newest],
    );
    const base = `${req.ctx.settings.externalUrl}${scope.path}`;
    if (around.rows[0]?.older) links.push(`<${base}?to=${oldest - 1}&limit=${limit}>; rel="next"`);
    if (around.rows[0]?.newer) {
      links.push(`<${base}?from=${newest + 1}&limit=${limit}>; rel="previous"`);
    }
  }

  const response = json(200, rows.map(presentBuild));
  for (const link of links) response.headers.append('Link', link);
  return response;
}
