// The newest version of a scope's current history: where the next check starts.
import type { PoolClient } from '@jetbridge/db';
import {
  toResourceVersion,
  type ResourceVersion,
  type ResourceVersionRow,
} from './resource-version.ts';
import { resolveScope, type VersionScope } from './version-scope.ts';

/** Highest check order, disabled versions included (they are still known to the check). */
export async function latestVersion(
  client: PoolClient,
  scope: VersionScope,
): Promise<ResourceVersion | null> {
  const { column, id, configHash } = await resolveScope(client, scope);
  const found = await client.query<ResourceVersionRow>(
    `SELECT id, version, metadata, enabled FROM resource_versions
     WHERE ${column} = $1 AND config_hash = $2 ORDER BY check_order DESC, id DESC LIMIT 1`,
    [id, configHash],
  );
  const row = found.rows[0];
  return row ? toResourceVersion(row) : null;
}
