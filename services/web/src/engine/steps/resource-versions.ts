// Hands versions seen by get, put and check steps to the resource-version store, and records put
// outputs as build outputs (what `passed` constraints and the build's resources page read).
import type { PoolClient } from '@jetbridge/db';
import { saveCheckedVersions, saveResourceVersions } from '../../resources/index.ts';
import type { ResourceMetadata, ResourceVersion } from './resource-output.ts';

export interface BuildResourceVersion {
  buildId: number;
  pipelineId: number | null;
  /** The resource's name in the pipeline. */
  resource: string;
  /** The step name (the build input/output name). */
  name: string;
  version: ResourceVersion;
  metadata: ResourceMetadata;
  /** true for a get (build input), false for a put (build output). */
  isInput: boolean;
}

export interface CheckedVersions {
  resourceId: number | null;
  resourceTypeId: number | null;
  versions: ResourceVersion[];
}

export async function saveBuildResourceVersion(
  client: PoolClient,
  saved: BuildResourceVersion,
): Promise<void> {
  if (saved.pipelineId === null) return;
  const found = await client.query<{ id: number }>(
    'SELECT id FROM resources WHERE pipeline_id = $1 AND name = $2',
    [saved.pipelineId, saved.resource],
  );
  const resourceId = found.rows[0]?.id;
  if (resourceId === undefined) return;
  const version = await saveResourceVersions(client, resourceId, saved.version, saved.metadata);
  if (saved.isInput) return;
  await client.query(
    `INSERT INTO build_resource_versions (build_id, resource_id, version_id, name, is_input)
     VALUES ($1, $2, $3, $4, false) ON CONFLICT DO NOTHING`,
    [saved.buildId, resourceId, version.id, saved.name],
  );
}

export async function saveCheckResult(client: PoolClient, checked: CheckedVersions): Promise<void> {
  if (checked.resourceId !== null) {
    await saveCheckedVersions(client, { resourceId: checked.resourceId }, checked.versions);
  } else if (checked.resourceTypeId !== null) {
    await saveCheckedVersions(client, { resourceTypeId: checked.resourceTypeId }, checked.versions);
  }
}
