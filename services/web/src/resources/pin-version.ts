// Pinning from the API: a pinned resource gives every job that version. A `version:` in the
// resource's config is a pin too, and wins; the API cannot remove it.
import { channels, type PoolClient } from '@jetbridge/db';

async function notifySchedule(client: PoolClient, resourceId: number): Promise<void> {
  await client.query(`SELECT pg_notify($1, pipeline_id::text) FROM resources WHERE id = $2`, [
    channels.schedule,
    resourceId,
  ]);
}

/** Pins the resource to one of its versions; false when the version is not the resource's. */
export async function pinVersion(
  client: PoolClient,
  resourceId: number,
  versionId: number,
  comment?: string,
): Promise<boolean> {
  const updated = await client.query(
    `UPDATE resources r SET pinned_version = v.version, pinned_in_config = false,
       pin_comment = COALESCE($3, r.pin_comment)
     FROM resource_versions v
     WHERE r.id = $1 AND v.id = $2 AND v.resource_id = r.id`,
    [resourceId, versionId, comment ?? null],
  );
  if (updated.rowCount === 0) return false;
  await notifySchedule(client, resourceId);
  return true;
}

/** Removes an API pin; false when the resource does not exist or is pinned by its config. */
export async function unpin(client: PoolClient, resourceId: number): Promise<boolean> {
  const updated = await client.query(
    `UPDATE resources SET pinned_version = NULL, pin_comment = NULL
     WHERE id = $1 AND NOT pinned_in_config AND NOT (config ? 'version')`,
    [resourceId],
  );
  if (updated.rowCount === 0) return false;
  await notifySchedule(client, resourceId);
  return true;
}
