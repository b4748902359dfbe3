// A resource's versions for the API: newest first (check order), filtered and paginated by id.
import type { PoolClient } from '@jetbridge/db';
import {
  toResourceVersion,
  type ResourceVersion,
  type ResourceVersionRow,
} from './resource-version.ts';
import { resolveScope } from './version-scope.ts';

export interface VersionPage {
  /** Versions at or newer than this version id (the previous page of a listing). */
  from?: number;
  /** Versions at or older than this version id (the next page of a listing). */
  to?: number;
  limit?: number;
  /** Only versions containing every key/value given (`fly resource-versions --filter k:v`). */
  filter?: Record<string, string>;
}

export interface VersionListing {
  versions: ResourceVersion[];
  pagination: {
    previous?: { from: number; limit: number };
    next?: { to: number; limit: number };
  };
}

type Row = ResourceVersionRow & { check_order: number };

export async function listVersions(
  client: PoolClient,
  resourceId: number,
  page: VersionPage = {},
): Promise<VersionListing> {
  const { configHash } = await resolveScope(client, { resourceId });
  const limit = page.limit && page.limit > 0 ? page.limit : 100;
  const filter = JSON.stringify(page.filter ?? {});
  const base = `SELECT id, version, metadata, enabled, check_order FROM resource_versions
    WHERE resource_id = $1 AND config_hash = $2 AND version @> $3::jsonb`;
  const orderOf = `(SELECT check_order FROM resource_versions WHERE id = $4 AND resource_id = $1)`;
  const params = [resourceId, configHash, filter];

  let rows: Row[];
  if (page.from !== undefined && page.to === undefined) {
    const found = await client.query<Row>(
      `${base} AND check_order >= ${orderOf} ORDER BY check_order ASC LIMIT $5`,
      [...params, page.from, limit],
    );
    rows = found.rows.reverse();
  } else if (page.to !== undefined) {
    const found = await client.query<Row>(
      `${base} AND check_order <= ${orderOf} ORDER BY check_order DESC LIMIT $5`,
      [...params, page.to, limit],
    );
    rows = found.rows;
  } else {
    const found = await client.query<Row>(`${base} ORDER BY check_order DESC LIMIT $4`, [
      ...params,
      limit,
    ]);
    rows = found.rows;
  }

  const pagination: VersionListing['pagination'] = {};
  const first = rows[0];
  const last = rows.at(-1);
  if (first && last) {
    const newer = await client.query<{ id: number }>(
      `${base} AND check_order > $4 ORDER BY check_order ASC LIMIT 1`,
      [...params, first.check_order],
    );
    const older = await client.query<{ id: number }>(
      `${base} AND check_order < $4 ORDER BY check_order DESC LIMIT 1`,
      [...params, last.check_order],
    );
    if (newer.rows[0]) pagination.previous = { from: newer.rows[0].id, limit };
    if (older.rows[0]) pagination.next = { to: older.rows[0].id, limit };
  }
  return { versions: rows.map(toResourceVersion), pagination };
}
