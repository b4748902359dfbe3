// Runs one step job: the pod, its inputs, the command under the supervisor, the output, the exit
// status. A redelivered job finds the pod and follows the command an earlier executor started.
import { randomBytes } from 'node:crypto';
import type { Bus, StepEvent, StepJob } from '@jetbridge/bus';
import { archiveOutputsToClaim } from '../artifacts/claim-outputs.ts';
import type { ArtifactStoreClient } from '../artifacts/store-client.ts';
import { workerName } from '@jetbridge/k8s';
import type { Logger } from '@jetbridge/telemetry';
import { PodGoneError, PodStartupError } from '../kube/errors.ts';
import type { ExecChannel } from '../kube/exec-channel.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { withRetry, statusCodeOf } from '../kube/retry.ts';
import type { ExecutorMetrics } from '../metrics.ts';
import { buildPodSpec, mainContainer, terminationGracePeriodSeconds } from '../pods/pod-spec.ts';
import { podState } from '../pods/pod-state.ts';
import { findPodByHandle, startPod } from '../pods/startup.ts';
import { defaultToolboxImage, toolboxForm } from '../pods/toolbox-form.ts';
import { resolveStepPath } from '../pods/volumes.ts';
import type { PodExecutorSettings } from '../settings.ts';
import { followOutput } from './follow-output.ts';
import { OutputPublisher } from './output-publisher.ts';
import { runExec } from './run-exec.ts';
import { StepStoppedError, untilStopped } from './step-stop.ts';
import { streamInputs } from './stream-inputs.ts';
import {
  missingCommand,
  parseProbe,
  probeCommand,
  signalCommand,
  startCommand,
} from './supervisor.ts';

export interface StepDeps {
  client: KubeClient;
  bus: Bus;
  settings: PodExecutorSettings;
  metrics: ExecutorMetrics;
  artifacts: ArtifactStoreClient;
}

type EventBody = StepEvent extends infer E
  ? E extends StepEvent
    ? Omit<E, 'v' | 'buildId' | 'planId' | 'handle' | 'at'>
    : never
  : never;

function publish(deps: StepDeps, job: StepJob, body: EventBody): Promise<void> {
  return deps.bus.publishStepEvent({
    v: 1,
    buildId: job.buildId,
    planId: job.planId,
    handle: job.handle,
    at: Date.now(),
    ...body,
  } as StepEvent);
}

export async function runStep(
  deps: StepDeps,
  job: StepJob,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  const publisher = new OutputPublisher(deps.bus, job);
  try {
    await runStepInPod(deps, job, logger, signal, publisher);
  } catch (err) {
    if (err instanceof StepStoppedError && err.stop.kind === 'shutdown') throw err;
    if (err instanceof StepStoppedError && err.stop.kind === 'abort') {
      await stopStep(deps, job, logger, err.stop, publisher);
      return;
    }
    if (err instanceof PodStartupError) {
      logger.warn({ reason: err.reason }, 'pod-startup-failed');
      publisher.note(err.diagnostics);
      await publisher.flush();
      await publish(deps, job, { kind: 'errored', message: err.message });
      return;
    }
    // A pod deleted or lost with the cluster is an outcome of the step, not a fault of the executor.
    if (err instanceof PodGoneError) logger.warn({ reason: err.message }, 'step-pod-gone');
    else logger.error({ err }, 'step-failed');
    await publisher.flush().catch(() => {});
    await publish(deps, job, {
      kind: 'errored',
      message: err instanceof Error ? err.message : String(err),
    });
  }
}

async function runStepInPod(
  deps: StepDeps,
  requested: StepJob,
  logger: Logger,
  signal: AbortSignal,
  publisher: OutputPublisher,
): Promise<void> {
  const { client } = deps;
  await publish(deps, requested, {
    kind: 'selected-worker',
    worker: workerName(client.namespace),
    podName: requested.podName,
  });
  const spec = buildPodSpec(requested, deps.settings);
  const started = await startPod({
    client,
    job: requested,
    spec,
    toolboxSpec: () => toolboxForm(spec, deps.settings.toolboxImage ?? defaultToolboxImage),
    timeoutMs: deps.settings.podStartupTimeoutMs,
    metrics: deps.metrics,
    logger,
    signal,
  });
  const { adopted } = started;
  if (signal.aborted) throw signal.reason;
  // The pod found by its handle is the one to follow, whatever name this delivery derived.
  const job = { ...requested, podName: started.pod.metadata?.name ?? requested.podName };

  // A pod this delivery created has started nothing yet, and it runs, so it has sh (the pause
  // command is sh, the image's or the toolbox's): only an adopted pod needs asking how far an
  // earlier executor got.
  const probe = adopted
    ? parseProbe(
        (
          await runExec(client, job.podName, probeCommand(), { timeoutMs: 30_000 })
        ).stdout.toString(),
      )
    : { hasShell: true, started: false, finished: false };
  if (!probe.hasShell)
    throw new Error(`image ${job.image.ref} has no sh: JetBridge runs steps through sh`);
  if (!probe.started)
    await streamInputs(
      client,
      job,
      logger,
      deps.artifacts,
      deps.settings.artifactStoreClaim !== null,
    );
  if (signal.aborted) throw signal.reason;
  await publish(deps, job, { kind: 'started' });

  const live = probe.started ? undefined : await startSupervisor(deps, job, publisher, signal);
  if (live) logger.info({}, 'command-started');
  else logger.info({ adopted, finished: probe.finished }, 'step-reattached');

  const { exitStatus, interrupted } = await followOutput({
    client,
    pod: job.podName,
    publisher,
    logger,
    signal,
    live,
  });
  if (interrupted) publisher.note('warning: log stream interrupted\n');
  await publisher.flush();
  if (exitStatus === null) {
    await publish(deps, job, { kind: 'errored', message: await describeLostPod(deps, job) });
    return;
  }
  logger.info({ exit_status: exitStatus }, 'step-exited');
  // As in Concourse, a command that cannot be found is an error of the step, not its failure. The
  // supervisor, which looked for it, left a mark when it did not start it.
  if (exitStatus === 127 && (await commandWasMissing(client, job.podName))) {
    await publish(deps, job, {
      kind: 'errored',
      message: `exec: "${job.run.path}": executable file not found in $PATH`,
    });
    return;
  }
  const archived = deps.settings.artifactStoreClaim !== null && job.outputs.length > 0;
  if (archived) await archiveOutputsToClaim(client, job, logger);
  await publish(deps, job, {
    kind: 'exited',
    exitStatus,
    ...(archived ? { outputsArchived: true } : {}),
    ...(job.captureStdout ? { stdout: publisher.capturedStdout } : {}),
  });
}

function runDir(job: StepJob): string {
  return job.run.dir ? resolveStepPath(job.workingDir, job.run.dir) : job.workingDir;
}

// Starts the command under the supervisor, on an exec that carries its output live (the files keep
// it too: if this exec breaks, the output is followed from where it stopped).
async function startSupervisor(
  deps: StepDeps,
  job: StepJob,
  publisher: OutputPublisher,
  signal: AbortSignal,
): Promise<ExecChannel> {
  const stdin = Buffer.from(job.stdin ?? '', 'utf8');
  const dir = runDir(job);
  const command = startCommand({
    dir,
    stdinBytes: stdin.length,
    token: randomBytes(6).toString('hex'),
    path: job.run.path,
    args: job.run.args,
  });
  const channel = await untilStopped(
    deps.client.exec(job.podName, {
      container: mainContainer,
      command,
      stdin: true,
      onStdout: (chunk) => publisher.write('stdout', chunk),
      onStderr: (chunk) => publisher.write('stderr', chunk),
    }),
    signal,
  );
  if (stdin.length > 0) await channel.write(stdin);
  channel.closeStdin();
  return channel;
}

async function commandWasMissing(client: KubeClient, podName: string): Promise<boolean> {
  try {
    return (await runExec(client, podName, missingCommand(), { timeoutMs: 30_000 })).exitCode === 0;
  } catch {
    return false;
  }
}

// What happened to a pod whose command's exit status is unknown (killed, evicted, deleted).
async function describeLostPod(deps: StepDeps, job: StepJob): Promise<string> {
  const { pod } = await findPodByHandle(deps.client, job.handle).catch(() => ({ pod: undefined }));
  if (!pod) return `pod ${job.podName} disappeared before the step finished`;
  const state = podState(pod);
  if (state.kind === 'failed')
    return `pod ${job.podName} stopped before the step finished: ${state.message} (${state.reason})`;
  return `the exit status of the step in pod ${job.podName} could not be read`;
}

// Abort and timeout: SIGTERM (then SIGKILL) to the command through its pid file, then the pod goes.
async function stopStep(
  deps: StepDeps,
  job: StepJob,
  logger: Logger,
  stop: { reason: 'aborted' | 'timeout'; byExecutor?: boolean },
  publisher: OutputPublisher,
): Promise<void> {
  const { reason } = stop;
  logger.info({ reason }, 'step-stopping');
  const { pod } = await findPodByHandle(deps.client, job.handle).catch(() => ({ pod: undefined }));
  const podName = pod?.metadata?.name ?? job.podName;
  await runExec(deps.client, podName, signalCommand(terminationGracePeriodSeconds), {
    timeoutMs: 15_000,
  }).catch(() => {});
  await deletePod(deps, { ...job, podName }, logger);
  if (reason === 'timeout' && stop.byExecutor) publisher.note('timeout exceeded\n');
  await publisher.flush().catch(() => {});
  await publish(deps, job, { kind: 'errored', message: reason });
}

export async function deletePod(deps: StepDeps, job: StepJob, logger: Logger): Promise<void> {
  try {
    await withRetry(() =>
      deps.client.core.deleteNamespacedPod({
        name: job.podName,
        namespace: deps.client.namespace,
        gracePeriodSeconds: terminationGracePeriodSeconds,
      }),
    );
    logger.info({}, 'pod-deleted');
  } catch (err) {
    if (statusCodeOf(err) !== 404) throw err;
  }
}
