// get and put steps: a resource script in the resource type's image (a custom type's fetched by
// sub-steps first), the request on stdin and the result on stdout, as the resource interface
// defines them.
import { archivedOutputKey } from '@jetbridge/bus';
import type { Plan, PutPlan } from '@jetbridge/pipeline';
import { eventTime, type BuildEvent } from '../../builds/index.ts';
import type { ArtifactSource } from '../plan/artifacts.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { cachedGet } from './cached-get.ts';
import { runContainerStep, type ContainerStepResult } from './container-step.ts';
import { getInputs, imageOfFetched } from './get-inputs.ts';
import { goRequestJson } from './go-json.ts';
import { resourceStepImage } from './image-fetch.ts';
import type { StepImage } from './images.ts';
import { storeResourceCache } from './resource-cache.ts';
import { acquireFetch, releaseFetches, renewFetches } from './resource-cache-fetch.ts';
import { resolveResourceStepVars } from './run-vars.ts';
import { parseVersionResult } from './resource-output.ts';
import { saveBuildResourceVersion } from './resource-versions.ts';
import { baseStepJob } from './step-job.ts';
import { resourceEnv } from './step-env.ts';
import { putInputs } from './put-inputs.ts';

const getDir = '/tmp/build/get';
const putDir = '/tmp/build/put';

function nonEmpty(params: Record<string, unknown> | undefined | null) {
  return params && Object.keys(params).length > 0 ? params : undefined;
}

function resourceJob(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
  type: 'get' | 'put',
  image: StepImage,
) {
  const step = (plan.get ?? plan.put)!;
  const stepName = step.name ?? step.resource ?? '';
  return {
    ...baseStepJob(run, scope, {
      planId: plan.id,
      type,
      stepName,
      resource: step.resource ?? stepName,
    }),
    image: { ref: image.ref, env: image.env },
    privileged: image.privileged,
    captureStdout: true,
    caches: [],
    timeoutMs: null,
    tags: step.tags ?? [],
  };
}

export async function runGetStep(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
): Promise<ContainerStepResult> {
  const planned = plan.get!;
  const origin = { id: plan.id };
  const name = planned.name ?? planned.resource ?? '';
  // Resolved once, when the step first needs it; a replica taking over resolves it again.
  let resolving: Promise<typeof planned> | null = null;
  const resolvedGet = () => (resolving ??= resolveResourceStepVars(run, planned));
  const stopRenewing = renewFetches(run, plan.id);
  try {
    return await runContainerStep(run, scope, {
      planId: plan.id,
      prepare: async ({ begin }) => {
        await begin([
          { type: 'initialize-get', version: '2.0', data: { origin, time: eventTime() } },
        ]);
        const get = await resolvedGet();
        const inputs = await getInputs(run, scope, get);
        const resolvedPlan = { ...plan, get };
        const settled = await cachedGet(run, resolvedPlan, inputs);
        if (settled) return { settled };
        if (inputs.cacheKey) {
          const fetch = await acquireFetch(run, scope, inputs.cacheKey, plan.id, () =>
            cachedGet(run, resolvedPlan, inputs),
          );
          if ('cache' in fetch) return { settled: fetch.cache };
        }
        const { image, version, cacheKey } = inputs;
        const job = {
          ...resourceJob(run, scope, plan, 'get', image),
          run: {
            path: '/opt/resource/in',
            args: [getDir],
            env: resourceEnv(run.build, run.ctx.settings, scope),
          },
          stdin: goRequestJson([
            ['source', get.source ?? null],
            ['params', nonEmpty(get.params)],
            ['version', version],
          ]),
          workingDir: getDir,
          inputs: [],
          outputs: [{ name, path: getDir }],
        };
        const start: BuildEvent = {
          type: 'start-get',
          version: '1.0',
          data: { origin, time: eventTime() },
        };
        const extra = cacheKey ? { resourceCache: cacheKey } : {};
        return { job, startEvent: start, extra };
      },
      finish: async (exit, stored) => {
        const get = await resolvedGet();
        if (exit.exitStatus !== 0) {
          const data = { origin, time: eventTime(), exit_status: exit.exitStatus, version: {} };
          return {
            state: 'failed',
            events: [{ type: 'finish-get', version: '5.1', data }],
            patch: {},
          };
        }
        const result = parseVersionResult(exit.stdout ?? '', `/opt/resource/in ${getDir}`);
        const job = stored.job!;
        // With the artifact claim, the executor tarred the fetched directory onto it.
        const artifact: ArtifactSource = exit.outputsArchived
          ? { kind: 'artifact', key: archivedOutputKey(job.handle, name) }
          : { kind: 'pod', handle: job.handle, podName: job.podName, path: getDir };
        const image = imageOfFetched(
          get,
          { ...job.image, privileged: false } as StepImage,
          result.version,
        );
        if (image) artifact.image = { ref: image.ref, env: image.env };
        const data = {
          origin,
          time: eventTime(),
          exit_status: 0,
          version: result.version,
          ...(result.metadata.length > 0 ? { metadata: result.metadata } : {}),
        };
        if (typeof stored.resourceCache === 'string') {
          const fetched = {
            job,
            name,
            path: getDir,
            archivedOnClaim: exit.outputsArchived === true,
          };
          await storeResourceCache(run, stored.resourceCache, fetched, {
            type: get.type,
            ...result,
          });
        }
        const metadataVars = Object.fromEntries(result.metadata.map((m) => [m.name, m.value]));
        return {
          state: 'succeeded',
          events: [{ type: 'finish-get', version: '5.1', data }],
          patch: {
            version: result.version,
            metadata: result.metadata,
            artifacts: { [name]: artifact },
            localVar: { name, value: metadataVars },
          },
          persist: async (client) => {
            if (run.build.jobId === null || !get.resource) return;
            await saveBuildResourceVersion(client, {
              buildId: run.build.id,
              pipelineId: run.build.pipelineId,
              resource: get.resource,
              name,
              version: result.version,
              metadata: result.metadata,
              isInput: true,
            });
          },
        };
      },
    });
  } finally {
    stopRenewing();
    await releaseFetches(run, scope, plan.id);
  }
}

export async function runPutStep(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
): Promise<ContainerStepResult> {
  const planned: PutPlan = plan.put!;
  const origin = { id: plan.id };
  return runContainerStep(run, scope, {
    planId: plan.id,
    prepare: async ({ begin }) => {
      await begin([
        { type: 'initialize-put', version: '2.0', data: { origin, time: eventTime() } },
      ]);
      const put = await resolveResourceStepVars(run, planned);
      const image = await resourceStepImage(run, scope, put.image, put.type);
      const env = resourceEnv(run.build, run.ctx.settings, scope);
      if (put.expose_build_created_by && run.build.createdBy)
        env.BUILD_CREATED_BY = run.build.createdBy;
      const inputs = putInputs(scope.artifacts.all(), put).map(([inputName, artifact]) => {
        const { image: _image, ...source } = artifact;
        return { name: inputName, path: `${putDir}/${inputName}`, source };
      });
      const job = {
        ...resourceJob(run, scope, plan, 'put', image),
        run: { path: '/opt/resource/out', args: [putDir], env },
        stdin: goRequestJson([
          ['source', put.source ?? null],
          ['params', nonEmpty(put.params)],
        ]),
        workingDir: putDir,
        inputs,
        outputs: [],
      };
      const start: BuildEvent = {
        type: 'start-put',
        version: '1.0',
        data: { origin, time: eventTime() },
      };
      return { job, startEvent: start };
    },
    finish: async (exit) => {
      if (exit.exitStatus !== 0) {
        const data = { origin, time: eventTime(), exit_status: exit.exitStatus, version: {} };
        return {
          state: 'failed',
          events: [{ type: 'finish-put', version: '5.1', data }],
          patch: {},
        };
      }
      const result = parseVersionResult(exit.stdout ?? '', `/opt/resource/out ${putDir}`);
      const data = {
        origin,
        time: eventTime(),
        exit_status: 0,
        version: result.version,
        ...(result.metadata.length > 0 ? { metadata: result.metadata } : {}),
      };
      return {
        state: 'succeeded',
        events: [{ type: 'finish-put', version: '5.1', data }],
        patch: { version: result.version, metadata: result.metadata },
        persist: async (client) => {
          if (!planned.resource) return;
          await saveBuildResourceVersion(client, {
            buildId: run.build.id,
            pipelineId: run.build.pipelineId,
            resource: planned.resource,
            name: planned.name,
            version: result.version,
            metadata: result.metadata,
            isInput: false,
          });
        },
      };
    },
  });
}
