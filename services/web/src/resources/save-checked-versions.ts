// Saves what a check returned, with Concourse's check-order rule.
import { channels, type PoolClient } from '@jetbridge/db';
import { versionSha256 } from './version-identity.ts';
import { resolveScope, type VersionScope } from './version-scope.ts';

export interface SavedVersions {
  /** How many of the returned versions were not in the scope's history before. */
  newVersions: number;
}

/**
 * Inserts every unseen version. If at least one was new, every returned version, new and old, is
 * moved to the top of the check order in list order (so the last one becomes the latest) and the
 * pipeline is asked to schedule; otherwise nothing moves. Versions missing from the list are kept.
 * Also records a successful check on the scope. Run inside the caller's transaction.
 */
export async function saveCheckedVersions(
  client: PoolClient,
  scope: VersionScope,
  versions: Record<string, string>[],
): Promise<SavedVersions> {
  const resolved = await resolveScope(client, scope, true);
  const { column, id, configHash } = resolved;

  let newVersions = 0;
  for (const version of versions) {
    const inserted = await client.query(
      `INSERT INTO resource_versions (${column}, config_hash, version, version_sha256)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [id, configHash, JSON.stringify(version), versionSha256(version)],
    );
    newVersions += inserted.rowCount ?? 0;
  }

  if (newVersions > 0) {
    await client.query(
      `WITH top AS (
         SELECT COALESCE(max(check_order), 0) AS max_order FROM resource_versions
         WHERE ${column} = $1 AND config_hash = $2
       ), listed AS (
         SELECT sha, max(ord) AS ord FROM unnest($3::text[]) WITH ORDINALITY AS l(sha, ord)
         GROUP BY sha
       )
       UPDATE resource_versions v SET check_order = top.max_order + listed.ord
       FROM top, listed
       WHERE v.${column} = $1 AND v.config_hash = $2 AND v.version_sha256 = listed.sha`,
      [id, configHash, versions.map(versionSha256)],
    );
    await client.query('SELECT pg_notify($1, $2)', [
      channels.schedule,
      String(resolved.pipelineId),
    ]);
  }

  const table = column === 'resource_id' ? 'resources' : 'resource_types';
  await client.query(`UPDATE ${table} SET last_checked = now(), check_error = NULL WHERE id = $1`, [
    id,
  ]);
  return { newVersions };
}
