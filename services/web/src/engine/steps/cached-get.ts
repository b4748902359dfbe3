// A get served from a resource cache: no pod, and the events Concourse writes on a cache hit
// (`INFO: found existing resource cache` where the script's output would be), with the version
// and metadata the first fetch reported and the cache's tar as the artifact.
import { workerName } from '@jetbridge/k8s';
import type { Plan } from '@jetbridge/pipeline';
import { eventTime, logEvent, type BuildEvent } from '../../builds/index.ts';
import type { ArtifactSource } from '../plan/artifacts.ts';
import type { BuildRun } from '../plan/run-context.ts';
import type { FinishedStep } from './container-step.ts';
import { imageOfFetched, type GetInputs } from './get-inputs.ts';
import { findResourceCache, type ResourceCache } from './resource-cache.ts';
import { saveBuildResourceVersion } from './resource-versions.ts';
import type { StepResult } from './step-store.ts';

const cacheHitLines = ['\x1b[1;36mINFO: found existing resource cache\x1b[0m\n', '\n'];

/** What follows initialize-get (and the image's sub-steps) on a cache hit. */
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
 * The get finished from its resource cache when one is stored; null when the get has to run
 * (no cache, or no version known before `in` runs).
 */
export async function cachedGet(
  run: BuildRun,
  plan: Plan,
  inputs: GetInputs,
): Promise<FinishedStep | null> {
  const get = plan.get!;
  if (!inputs.cacheKey) return null;
  const cache = await findResourceCache(run, inputs.cacheKey);
  if (!cache) return null;

  const name = get.name ?? get.resource ?? '';
  const artifact: ArtifactSource = { kind: 'artifact', key: cache.key };
  const image = imageOfFetched(get, { ...inputs.image, privileged: false }, cache.version);
  if (image) artifact.image = { ref: image.ref, env: image.env };
  const patch: StepResult = {
    resourceCache: cache.key,
    version: cache.version,
    metadata: cache.metadata,
    artifacts: { [name]: artifact },
    localVar: { name, value: Object.fromEntries(cache.metadata.map((m) => [m.name, m.value])) },
  };
  run.logger.info({ step: name, key: cache.key }, 'resource-cache-hit');
  return {
    state: 'succeeded',
    events: hitEvents(run, plan.id, cache),
    patch,
    persist: async (client) => {
      if (run.build.jobId === null || !get.resource) return;
      await saveBuildResourceVersion(client, {
        buildId: run.build.id,
        pipelineId: run.build.pipelineId,
        resource: get.resource,
        name,
        version: cache.version,
        metadata: cache.metadata,
        isInput: true,
      });
    },
  };
}
