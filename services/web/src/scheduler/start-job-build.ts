// Starts one pending job build: records its inputs, compiles its plan and hands it to the engine.
import type { PoolClient } from '@jetbridge/db';
import { compileJobPlan, type PipelineConfig } from '@jetbridge/pipeline';
import { appendBuildEvents, errorEvent, finishBuild, startBuild } from '../builds/index.ts';
import type { ResolvedInput } from './resolve-inputs.ts';

/** What `builds.inputs` holds for a job build. */
export interface StoredBuildInput {
  name: string;
  resource_id: number;
  version: Record<string, string>;
  version_id: number;
  first_occurrence: boolean;
}

function planIds(): () => string {
  let next = 0;
  return () => (++next).toString(16);
}

/**
 * Returns false when the plan cannot be compiled; the build is then finished `errored` with the
 * reason in its log, so it never blocks the builds queued behind it.
 */
export async function startJobBuild(
  client: PoolClient,
  buildId: number,
  config: PipelineConfig,
  jobName: string,
  inputs: ResolvedInput[],
): Promise<boolean> {
  let plan: unknown;
  try {
    const versions = Object.fromEntries(inputs.map((i) => [i.name, i.version]));
    plan = compileJobPlan(config, jobName, { nextId: planIds(), versions });
  } catch (err) {
    await appendBuildEvents(client, buildId, [errorEvent({}, (err as Error).message)]);
    await finishBuild(client, buildId, 'errored');
    return false;
  }

  for (const input of inputs) {
    await client.query(
      `INSERT INTO build_resource_versions (build_id, resource_id, version_id, name, is_input)
       VALUES ($1, $2, $3, $4, true) ON CONFLICT DO NOTHING`,
      [buildId, input.resourceId, input.versionId, input.name],
    );
  }
  const stored: StoredBuildInput[] = inputs.map((i) => ({
    name: i.name,
    resource_id: i.resourceId,
    version: i.version,
    version_id: i.versionId,
    first_occurrence: i.firstOccurrence,
  }));
  await client.query('UPDATE builds SET inputs = $2, plan = $3 WHERE id = $1', [
    buildId,
    JSON.stringify(stored),
    JSON.stringify(plan),
  ]);
  return startBuild(client, buildId);
}
