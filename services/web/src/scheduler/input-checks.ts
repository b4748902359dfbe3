// A manually triggered build chooses its versions only after the checks its trigger requested of
// the job's input resources finished, as Concourse re-checks a job's inputs before a manual build.
import type { PoolClient } from '@jetbridge/db';
import type { JobRow, PipelineState } from './pipeline-state.ts';

/**
 * Names of the job's inputs whose resource still has a check running or waiting that was
 * requested no later than `buildId` was created. Pinned resources never wait (their version is
 * known), as in Concourse.
 */
export async function inputsAwaitingCheck(
  client: PoolClient,
  state: PipelineState,
  job: JobRow,
  buildId: number,
): Promise<string[]> {
  const inputsByResource = new Map<number, string[]>();
  for (const input of job.summary.inputs) {
    const resource = state.resources.get(input.resource);
    if (!resource || resource.pinnedVersion) continue;
    inputsByResource.set(resource.id, [...(inputsByResource.get(resource.id) ?? []), input.name]);
  }
  if (inputsByResource.size === 0) return [];

  const unchecked = await client.query<{ resource_id: number }>(
    `SELECT DISTINCT c.resource_id FROM builds c, builds b
     WHERE b.id = $2 AND c.resource_id = ANY($1::int[]) AND c.status IN ('pending', 'started')
       AND c.created_at <= b.created_at`,
    [[...inputsByResource.keys()], buildId],
  );
  return unchecked.rows.flatMap((r) => inputsByResource.get(r.resource_id) ?? []);
}
