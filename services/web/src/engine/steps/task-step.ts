// A task step: its config (inline or from a file in an artifact), image, inputs, outputs and
// caches become one step job; its exit status decides the step.
import {
  coerceTaskParams,
  fetchImagePlan,
  parseTaskConfig,
  publicPlan,
  resolveVars,
  lookupIn,
  ValidationError,
  type Plan,
  type TaskConfig,
  type TaskPlan,
  type ResourceTypeConfig,
} from '@jetbridge/pipeline';
import { archivedOutputKey } from '@jetbridge/bus';
import { eventTime, type BuildEvent } from '../../builds/index.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { StepError } from '../plan/outcome.ts';
import type { ArtifactSource } from '../plan/artifacts.ts';
import { runContainerStep, type ContainerStepResult } from './container-step.ts';
import { fetchImage } from './image-fetch.ts';
import type { StepImage } from './images.ts';
import { readArtifactFile } from './read-artifact-file.ts';
import { resolveRemainingVars } from './run-vars.ts';
import { baseStepJob } from './step-job.ts';
import { taskEnv } from './step-env.ts';
import { taskCaches } from './task-caches.ts';

async function loadConfig(run: BuildRun, scope: Scope, task: TaskPlan): Promise<TaskConfig> {
  let config: TaskConfig;
  try {
    if (task.config) config = parseTaskConfig(task.config, 'config');
    else if (task.config_path) {
      const text = await readArtifactFile(run, scope, task.config_path);
      config = parseTaskConfig(text, task.config_path);
    } else throw new StepError('task config or file must be specified');
  } catch (err) {
    if (err instanceof ValidationError) throw new StepError(err.message);
    throw err;
  }
  if (task.vars) config = resolveVars(config, lookupIn(task.vars));
  return resolveRemainingVars(run, config, 'failed to interpolate task config: ');
}

function imageEvent(type: 'image-check' | 'image-get', ownerId: string, plan: Plan): BuildEvent {
  return {
    type,
    version: '1.1',
    data: { time: eventTime(), origin: { id: ownerId }, plan: publicPlan(plan) },
  };
}

/**
 * The task's image: an artifact named by the step, or the config's image_resource fetched by its
 * own check and get (announced to the UI with image-check/image-get events), or the rootfs_uri.
 */
async function taskImage(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
  task: TaskPlan,
  config: TaskConfig,
  announce: (events: BuildEvent[]) => Promise<void>,
): Promise<StepImage> {
  if (task.image) {
    await announce([]);
    const artifact = scope.artifacts.find(task.image);
    if (!artifact) throw new StepError(`image artifact '${task.image}' not found`);
    if (!artifact.image) {
      throw new StepError(
        `image artifact '${task.image}' has no metadata.json. Is the image in rootfs format?`,
      );
    }
    return { ...artifact.image, privileged: task.privileged === true };
  }
  if (config.image_resource) {
    const ir = config.image_resource;
    const { getPlan, checkPlan } = fetchImagePlan(
      plan.id,
      { ...ir, name: 'image' },
      (task.resource_types ?? []) as unknown as ResourceTypeConfig[],
      task.tags,
    );
    await announce([
      ...(checkPlan ? [imageEvent('image-check', plan.id, checkPlan)] : []),
      imageEvent('image-get', plan.id, getPlan),
    ]);
    return fetchImage(run, scope, {
      getPlan,
      ...(checkPlan ? { checkPlan } : {}),
      privileged: task.privileged === true,
    });
  }
  await announce([]);
  if (config.rootfs_uri) {
    return {
      ref: config.rootfs_uri.replace(/^docker:\/\/\/?/, ''),
      env: [],
      privileged: task.privileged === true,
    };
  }
  throw new StepError('task config must specify image_resource, rootfs_uri or the step an image');
}

/** The config as initialize-task and start-task show it; `image` is the rootfs_uri, if any. */
function taskEventConfig(config: TaskConfig): Record<string, unknown> {
  return {
    platform: config.platform ?? 'linux',
    image: config.rootfs_uri ?? '',
    run: { path: config.run?.path ?? '', args: config.run?.args ?? [], dir: config.run?.dir ?? '' },
    inputs: (config.inputs ?? []).map((i) => ({ name: i.name, path: i.path ?? i.name })),
  };
}

export async function runTaskStep(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
): Promise<ContainerStepResult> {
  const task = resolveVars(plan.task!, scope.vars.lookup());
  const origin = { id: plan.id };
  const workingDir = `/tmp/build/${plan.id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  return runContainerStep(run, scope, {
    planId: plan.id,
    prepare: async ({ begin }) => {
      const config = await loadConfig(run, scope, task);
      const params = await resolveRemainingVars(
        run,
        task.params,
        'failed to interpolate task params: ',
      );
      const eventConfig = taskEventConfig(config);
      const init: BuildEvent = {
        type: 'initialize-task',
        version: '4.0',
        data: { time: eventTime(), origin, config: eventConfig },
      };
      const image = await taskImage(run, scope, plan, task, config, (events) =>
        begin([init, ...events]),
      );
      const inputs = [];
      const missing: string[] = [];
      for (const input of config.inputs ?? []) {
        const artifactName = task.input_mapping?.[input.name] ?? input.name;
        const artifact = scope.artifacts.find(artifactName);
        if (!artifact) {
          if (!input.optional) missing.push(artifactName);
          continue;
        }
        const { image: _image, ...source } = artifact;
        inputs.push({
          name: input.name,
          path: `${workingDir}/${input.path ?? input.name}`,
          source,
        });
      }
      if (missing.length > 0) throw new StepError(`missing inputs: ${missing.join(', ')}`);
      if (!config.run?.path) throw new StepError('task config must specify run.path');

      const env = {
        ...coerceTaskParams(config.params),
        ...coerceTaskParams(params),
        ...taskEnv(run.ctx.settings, scope),
      };
      const limits = task.container_limits ?? config.container_limits;
      const job = {
        ...baseStepJob(run, scope, { planId: plan.id, type: 'task', stepName: task.name }),
        image: { ref: image.ref, env: image.env },
        privileged: image.privileged,
        run: {
          path: config.run.path,
          args: config.run.args ?? [],
          ...(config.run.dir ? { dir: `${workingDir}/${config.run.dir}` } : {}),
          ...(config.run.user ? { user: config.run.user } : {}),
          env,
        },
        captureStdout: false,
        workingDir,
        inputs,
        outputs: (config.outputs ?? []).map((o) => ({
          name: o.name,
          path: `${workingDir}/${o.path ?? o.name}`,
        })),
        caches: await taskCaches(run, task.name, workingDir, config.caches ?? []),
        ...(limits ? { limits: limits as { cpu?: number; memory?: number } } : {}),
        timeoutMs: null,
        tags: task.tags ?? [],
      };
      const start: BuildEvent = {
        type: 'start-task',
        version: '5.0',
        data: { time: eventTime(), origin, config: eventConfig },
      };
      return { job, startEvent: start };
    },
    finish: async (exit, stored) => {
      const artifacts: Record<string, ArtifactSource> = {};
      // Outputs are registered whatever the exit status, so hooks can look at a failed task's.
      for (const output of stored.job?.outputs ?? []) {
        const name = task.output_mapping?.[output.name] ?? output.name;
        // With the artifact claim, the executor tarred each output onto it under a derived key.
        artifacts[name] = exit.outputsArchived
          ? { kind: 'artifact', key: archivedOutputKey(stored.job!.handle, output.name) }
          : {
              kind: 'pod',
              handle: stored.job!.handle,
              podName: stored.job!.podName,
              path: output.path,
            };
      }
      return {
        state: exit.exitStatus === 0 ? 'succeeded' : 'failed',
        events: [
          {
            type: 'finish-task',
            version: '4.0',
            data: { time: eventTime(), exit_status: exit.exitStatus, origin },
          },
        ],
        patch: { artifacts },
      };
    },
  });
}
