// Disabled versions stay in the history but are never chosen as job inputs.
import { channels, type PoolClient } from '@jetbridge/db';

async function setEnabled(
  client: PoolClient,
  resourceId: number,
  versionId: number,
  enabled: boolean,
): Promise<boolean> {
  const updated = await client.query<{ pipeline_id: number }>(
    `UPDATE resource_versions v SET enabled = $3 FROM resources r
     WHERE v.id = $2 AND v.resource_id = $1 AND r.id = v.resource_id RETURNING r.pipeline_id`,
    [resourceId, versionId, enabled],
  );
  const row = updated.rows[0];
  if (!row) return false;
  await client.query('SELECT pg_notify($1, $2)', [channels.schedule, String(row.pipeline_id)]);
  return true;
}

/** False when the version is not the resource's. */
export function enableVersion(client: PoolClient, resourceId: number, versionId: number) {
  return setEnabled(client, resourceId, versionId, true);
}

/** False when the version is not the resource's. */
export function disableVersion(client: PoolClient, resourceId: number, versionId: number) {
  return setEnabled(client, resourceId, versionId, false);
}
