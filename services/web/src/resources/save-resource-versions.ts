// Saves a version a put produced or a get fetched, with the metadata the script emitted.
import { channels, type PoolClient } from '@jetbridge/db';
import { versionSha256 } from './version-identity.ts';
import { resolveScope } from './version-scope.ts';

export interface SavedResourceVersion {
  id: number;
  /** True when the version was not in the history before (it is now the latest). */
  isNew: boolean;
}

/**
 * Saves `version` into the resource's current history. A new version goes to the top of the check
 * order, so later checks start from it and downstream jobs can trigger; a known version keeps its
 * place and only gets the metadata. Run inside the caller's transaction.
 */
export async function saveResourceVersions(
  client: PoolClient,
  resourceId: number,
  version: Record<string, string>,
  metadata: Array<{ name: string; value: string }> = [],
): Promise<SavedResourceVersion> {
  const scope = await resolveScope(client, { resourceId }, true);
  const sha = versionSha256(version);

  const inserted = await client.query<{ id: number }>(
    `INSERT INTO resource_versions (resource_id, config_hash, version, version_sha256, metadata,
                                    check_order)
     SELECT $1, $2, $3, $4, $5, COALESCE(max(check_order), 0) + 1 FROM resource_versions
     WHERE resource_id = $1 AND config_hash = $2
     ON CONFLICT DO NOTHING RETURNING id`,
    [resourceId, scope.configHash, JSON.stringify(version), sha, JSON.stringify(metadata)],
  );
  const created = inserted.rows[0];
  if (created) {
    await client.query('SELECT pg_notify($1, $2)', [channels.schedule, String(scope.pipelineId)]);
    return { id: created.id, isNew: true };
  }

  const updated = await client.query<{ id: number }>(
    `UPDATE resource_versions SET metadata = CASE WHEN $4::jsonb = '[]'::jsonb THEN metadata
                                                   ELSE $4::jsonb END
     WHERE resource_id = $1 AND config_hash = $2 AND version_sha256 = $3 RETURNING id`,
    [resourceId, scope.configHash, sha, JSON.stringify(metadata)],
  );
  return { id: updated.rows[0]!.id, isNew: false };
}
