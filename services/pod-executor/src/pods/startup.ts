// Creates a step's pod, or finds the one an earlier delivery of the same job created (by its handle
// label), and waits, watching, until it runs or cannot.
import { Watch, type V1Pod } from '@kubernetes/client-node';
import type { StepJob } from '@jetbridge/bus';
import { handleSelector } from '@jetbridge/k8s';
import type { Logger } from '@jetbridge/telemetry';
import { formatDiagnostics } from '../diagnostics/diagnostics.ts';
import { PodGoneError, PodStartupError } from '../kube/errors.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { statusCodeOf, withRetry } from '../kube/retry.ts';
import type { ExecutorMetrics } from '../metrics.ts';
import { toolboxContainerOf } from '../kube/toolbox-exec.ts';
import { imagePullReasons, podState } from './pod-state.ts';
import { isShellMissing } from './toolbox-form.ts';
import { replaceWithToolboxForm, type ListedPod } from './toolbox-replace.ts';

export interface StartedPod {
  pod: V1Pod;
  /** The pod existed already: an earlier executor created it. */
  adopted: boolean;
}

export async function findPodByHandle(
  client: KubeClient,
  handle: string,
): Promise<{ pod?: V1Pod; resourceVersion?: string }> {
  const list = await withRetry(() =>
    client.core.listNamespacedPod({
      namespace: client.namespace,
      labelSelector: handleSelector(handle),
    }),
  );
  return { pod: list.items[0], resourceVersion: list.metadata?.resourceVersion };
}

async function diagnose(client: KubeClient, pod: V1Pod | undefined, why: string): Promise<string> {
  let events: Awaited<ReturnType<KubeClient['core']['listNamespacedEvent']>>['items'] = [];
  if (pod?.metadata?.name) {
    try {
      const list = await client.core.listNamespacedEvent({
        namespace: client.namespace,
        fieldSelector: `involvedObject.name=${pod.metadata.name}`,
      });
      events = list.items;
    } catch {
      // diagnostics are best effort: the block is still written without events
    }
  }
  return formatDiagnostics(pod, events, why);
}

export async function failStartup(
  client: KubeClient,
  pod: V1Pod | undefined,
  reason: string,
  message: string,
): Promise<never> {
  throw new PodStartupError(reason, message, await diagnose(client, pod, `${reason}: ${message}`));
}

export interface StartupOptions {
  client: KubeClient;
  job: StepJob;
  spec: V1Pod;
  timeoutMs: number;
  metrics: ExecutorMetrics;
  /** The step's logger, which names the pod already. */
  logger: Logger;
  signal: AbortSignal;
  /** Makes the pod in toolbox form, for an image without `sh`; without it, such a pod fails. */
  toolboxSpec?: () => V1Pod;
}

// The pod's step container could not start for want of `sh`: it is to be made in toolbox form.
class ShellMissingSignal extends Error {
  readonly pod: V1Pod;

  constructor(pod: V1Pod) {
    super('the image has no sh');
    this.pod = pod;
  }
}

export async function startPod(opts: StartupOptions): Promise<StartedPod> {
  const { client, job, logger } = opts;
  let found = await findPodByHandle(client, job.handle);
  let adopted = found.pod !== undefined;
  if (!found.pod && job.resumeOnly) {
    throw new PodGoneError(
      `pod ${job.podName} disappeared before the step finished; its command had started, so it is not run again`,
    );
  }
  if (!found.pod) {
    try {
      const created = await withRetry(() =>
        client.core.createNamespacedPod({ namespace: client.namespace, body: opts.spec }),
      );
      logger.info('pod-created');
      found = { pod: created, resourceVersion: created.metadata?.resourceVersion };
    } catch (err) {
      if (statusCodeOf(err) !== 409) throw err;
      found = await findPodByHandle(client, job.handle);
      adopted = true;
      if (!found.pod)
        await failStartup(
          client,
          undefined,
          'NameConflict',
          `a pod named ${job.podName} exists for another step`,
        );
    }
  }
  if (adopted) logger.info({ adopted_pod: found.pod?.metadata?.name }, 'pod-adopted');
  const creating = Date.now();
  try {
    const running = await runningPod(opts, found, creating + opts.timeoutMs);
    const { pod } = running;
    // A pod made again in toolbox form is this delivery's unless another executor made it first.
    adopted = running.adopted ?? adopted;
    client.rememberPod(pod);
    logger.info({ waited_ms: Date.now() - creating }, 'pod-running');
    if (!adopted) {
      recordStartup(opts.metrics, pod);
      opts.metrics.containersCreated.inc();
      observeCreation(opts.metrics, 'success', creating);
    }
    return { pod, adopted };
  } catch (err) {
    if (!adopted && err instanceof PodStartupError) {
      opts.metrics.containersFailed.inc();
      observeCreation(opts.metrics, 'failure', creating);
    }
    throw err;
  }
}

function observeCreation(metrics: ExecutorMetrics, status: string, since: number): void {
  metrics.containerCreationDuration.observe({ status }, (Date.now() - since) / 1000);
}

function recordStartup(metrics: ExecutorMetrics, pod: V1Pod): void {
  const created = pod.metadata?.creationTimestamp;
  if (!created) return;
  metrics.podStartupDuration.observe(Math.max(0, Date.now() - new Date(created).getTime()));
}

// Resolves with the running pod, made again in toolbox form first when its image has no `sh` (then
// also whether another executor made that one).
async function runningPod(
  opts: StartupOptions,
  found: ListedPod,
  deadline: number,
): Promise<{ pod: V1Pod; adopted?: boolean }> {
  try {
    return { pod: await waitUntilRunning(opts, found.pod!, found.resourceVersion, deadline) };
  } catch (err) {
    if (!(err instanceof ShellMissingSignal) || !opts.toolboxSpec) throw err;
    opts.logger.info({ image: opts.job.image.ref }, 'image-has-no-sh');
    const replaced = await replaceWithToolboxForm({
      client: opts.client,
      job: opts.job,
      old: err.pod,
      spec: opts.toolboxSpec(),
      deadline,
      signal: opts.signal,
      logger: opts.logger,
    });
    const pod = await waitUntilRunning(opts, replaced.pod!, replaced.resourceVersion, deadline);
    return { pod, adopted: replaced.adopted };
  }
}

// Resolves with the running pod; a watch that ends is resumed from the last resource version.
async function waitUntilRunning(
  opts: StartupOptions,
  initial: V1Pod,
  resourceVersion: string | undefined,
  deadline: number,
): Promise<V1Pod> {
  const { client, job, metrics } = opts;
  let latest = initial;
  let version = resourceVersion;

  const verdict = async (pod: V1Pod): Promise<V1Pod | null> => {
    if (opts.toolboxSpec && toolboxContainerOf(pod) === null && isShellMissing(pod))
      throw new ShellMissingSignal(pod);
    const state = podState(pod);
    if (state.kind === 'running') return pod;
    if (state.kind === 'failed') {
      if (imagePullReasons.has(state.reason)) metrics.imagePullFailures.inc();
      return failStartup(client, pod, state.reason, state.message);
    }
    return null;
  };

  const ready = await verdict(latest);
  if (ready) return ready;

  while (true) {
    if (opts.signal.aborted) throw opts.signal.reason;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const state = podState(latest);
      const reason = state.kind === 'pending' && state.reason ? state.reason : 'StartupTimeout';
      return failStartup(
        client,
        latest,
        reason,
        `the pod did not start within ${opts.timeoutMs} ms`,
      );
    }
    const startedAt = Date.now();
    const outcome = await watchOnce(
      client,
      job.handle,
      version,
      remaining,
      opts.signal,
      async (pod) => {
        latest = pod;
        version = pod.metadata?.resourceVersion ?? version;
        return verdict(pod);
      },
    );
    if (outcome !== null && outcome !== 'expired') return outcome;
    if (Date.now() - startedAt < 200) await new Promise((resolve) => setTimeout(resolve, 200));
    // A watch that merely ended resumes from the last version seen; only a version the server
    // no longer has (410 Expired) needs a fresh list.
    if (outcome === null && version !== undefined) continue;
    const relisted = await findPodByHandle(client, job.handle);
    if (!relisted.pod)
      return failStartup(client, latest, 'PodDeleted', 'the pod was deleted while starting');
    latest = relisted.pod;
    version = relisted.resourceVersion;
    const again = await verdict(latest);
    if (again) return again;
  }
}

// One watch: resolves with the running pod, rejects when the pod cannot run, resolves null when the
// watch ends or `withinMs` passes (the caller decides whether to resume or give up), and
// 'expired' when the server no longer has the resource version asked for.
function watchOnce(
  client: KubeClient,
  handle: string,
  resourceVersion: string | undefined,
  withinMs: number,
  signal: AbortSignal,
  onPod: (pod: V1Pod) => Promise<V1Pod | null>,
): Promise<V1Pod | null | 'expired'> {
  return new Promise<V1Pod | null | 'expired'>((resolve, reject) => {
    let controller: AbortController | undefined;
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      controller?.abort();
      fn();
    };
    const timer = setTimeout(() => finish(() => resolve(null)), withinMs);
    const onAbort = (): void => finish(() => reject(signal.reason));
    signal.addEventListener('abort', onAbort);
    let chain = Promise.resolve();
    new Watch(client.kc)
      .watch(
        `/api/v1/namespaces/${client.namespace}/pods`,
        { labelSelector: handleSelector(handle), ...(resourceVersion ? { resourceVersion } : {}) },
        (type: string, pod: V1Pod) => {
          chain = chain.then(async () => {
            if (settled) return;
            if (type === 'DELETED') {
              await onPod({
                ...pod,
                metadata: { ...pod.metadata, deletionTimestamp: new Date() },
              }).catch((err: unknown) => finish(() => reject(err)));
              return;
            }
            if (type === 'ERROR') {
              const code = (pod as unknown as { code?: number }).code;
              finish(() => resolve(code === 410 ? 'expired' : null));
              return;
            }
            if (type !== 'ADDED' && type !== 'MODIFIED') return;
            try {
              const running = await onPod(pod);
              if (running) finish(() => resolve(running));
            } catch (err) {
              finish(() => reject(err));
            }
          });
        },
        () => {
          void chain.then(() => finish(() => resolve(null)));
        },
      )
      .then(
        (c) => {
          controller = c;
          if (settled) c.abort();
        },
        () => finish(() => resolve(null)),
      );
  });
}
