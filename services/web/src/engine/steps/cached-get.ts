// A get served from a resource cache: no pod, and the events Concourse writes on a cache hit
// (`INFO: found existing resource cache` where the script's output would be), with the version
// and metadata the first fetch reported and the cache's tar as the artifact.
import { inTransaction } from '@jetbridge/db';
import { workerName } from '@jetbridge/k8s';
import type { Plan } from '@jetbridge/pipeline';
import { appendBuildEvents, eventTime, logEvent, type BuildEvent } from '../../builds/index.ts';
import type { ArtifactSource } from '../plan/artifacts.ts';
import { StepError } from '../plan/outcome.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import type { ContainerStepResult } from './container-step.ts';
import { getInputs, imageOfFetched, type GetInputs } from './get-inputs.ts';
import { findResourceCache, type ResourceCache } from './resource-cache.ts';
import { saveBuildResourceVersion } from './resource-versions.ts';
import { insertStep, loadStep, type StepResult } from './step-store.ts';

const cacheHitLines = ['\x1b[1;36mINFO: found existing resource cache\x1b[0m\n', '\n'];

async function inputsOrNull(run: BuildRun, plan: Plan): Promise<GetInputs | null> {
  try {
    return await getInputs(run, plan.get!);
  } catch (err) {
    // The normal path reports the same error as the step's.
    if (err instanceof StepError) return null;
    throw err;
  }
}

function hitEvents(run: BuildRun, planId: string, cache: ResourceCache): BuildEvent[] {
  const origin = { id: planId };
  const time = eventTime();
  const finish = {
    origin,
    time,
    exit_status: 0,
    version: cache.version,
    ...(cache.metadata.length > 0 ? { metadata: cache.metadata } : {}),
  };
  return [
    { type: 'initialize-get', version: '2.0', data: { origin, time } },
    { type: 'start-get', version: '1.0', data: { origin, time } },
    {
      type: 'selected-worker',
      version: '1.0',
      data: { time, origin, selected_worker: workerName(run.ctx.settings.namespace) },
    },
    ...cacheHitLines.map((line) => logEvent({ id: planId, source: 'stderr' }, line)),
    { type: 'finish-get', version: '5.1', data: finish },
  ];
}

/**
 * Finishes the get from its resource cache when one is stored; null when the get has to run
 * (no cache, no known version, or the step already started on another path).
 */
export async function runCachedGet(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
): Promise<ContainerStepResult | null> {
  const get = plan.get!;
  if (scope.cancel.reason) return null;
  if (await loadStep(run.ctx.pool, run.build.id, plan.id)) return null;
  const inputs = await inputsOrNull(run, plan);
  if (!inputs?.cacheKey) return null;
  const cache = await findResourceCache(run, inputs.cacheKey);
  if (!cache) return null;

  const name = get.name ?? get.resource ?? '';
  const artifact: ArtifactSource = { kind: 'artifact', key: cache.key };
  const image = imageOfFetched(get, { ...inputs.image, privileged: false }, cache.version);
  if (image) artifact.image = { ref: image.ref, env: image.env };
  const result: StepResult = {
    resourceCache: cache.key,
    version: cache.version,
    metadata: cache.metadata,
    artifacts: { [name]: artifact },
    localVar: { name, value: Object.fromEntries(cache.metadata.map((m) => [m.name, m.value])) },
  };
  const recorded = await inTransaction(run.ctx.pool, async (client) => {
    if (!(await insertStep(client, run.build.id, plan.id, 'succeeded', result))) return false;
    if (run.build.jobId !== null && get.resource) {
      await saveBuildResourceVersion(client, {
        buildId: run.build.id,
        pipelineId: run.build.pipelineId,
        resource: get.resource,
        name,
        version: cache.version,
        metadata: cache.metadata,
        isInput: true,
      });
    }
    await appendBuildEvents(client, run.build.id, hitEvents(run, plan.id, cache));
    return true;
  });
  if (!recorded) return null;
  run.logger.info({ step: name, key: cache.key }, 'resource-cache-hit');
  return { outcome: 'succeeded', result };
}
