// Replaces a step pod whose image has no `sh` with the same pod in toolbox form, under the same name
// (the name the build already knows). Nothing ran in the old pod: its step container never started.
// It is deleted by uid, so a pod another executor made meanwhile is never deleted, and the new one
// is created once the old one is gone; a toolbox pod another executor created first is taken over.
import { Watch, type V1Pod } from '@kubernetes/client-node';
import type { StepJob } from '@jetbridge/bus';
import { handleSelector } from '@jetbridge/k8s';
import type { Logger } from '@jetbridge/telemetry';
import type { KubeClient } from '../kube/kube-client.ts';
import { statusCodeOf, withRetry } from '../kube/retry.ts';

export interface ReplaceOptions {
  client: KubeClient;
  job: StepJob;
  old: V1Pod;
  /** The pod in toolbox form. */
  spec: V1Pod;
  deadline: number;
  signal: AbortSignal;
  /** The step's logger, which names the pod already. */
  logger: Logger;
}

export interface ListedPod {
  pod?: V1Pod;
  resourceVersion?: string;
}

async function listByHandle(client: KubeClient, handle: string): Promise<ListedPod> {
  const list = await withRetry(() =>
    client.core.listNamespacedPod({
      namespace: client.namespace,
      labelSelector: handleSelector(handle),
    }),
  );
  return { pod: list.items[0], resourceVersion: list.metadata?.resourceVersion };
}

/** The pod in toolbox form, and whether another executor created it. */
export async function replaceWithToolboxForm(
  opts: ReplaceOptions,
): Promise<ListedPod & { adopted: boolean }> {
  const { client, job, old, logger } = opts;
  const name = old.metadata!.name!;
  const uid = old.metadata?.uid;
  try {
    await withRetry(() =>
      client.core.deleteNamespacedPod({
        name,
        namespace: client.namespace,
        gracePeriodSeconds: 0,
        ...(uid ? { body: { preconditions: { uid } } } : {}),
      }),
    );
  } catch (err) {
    // gone already, or no longer this pod (another executor replaced it)
    if (statusCodeOf(err) !== 404 && statusCodeOf(err) !== 409) throw err;
  }
  await untilGone(opts, uid);

  try {
    const created = await withRetry(() =>
      client.core.createNamespacedPod({ namespace: client.namespace, body: opts.spec }),
    );
    logger.info('pod-created-with-toolbox');
    return { pod: created, resourceVersion: created.metadata?.resourceVersion, adopted: false };
  } catch (err) {
    if (statusCodeOf(err) !== 409) throw err;
  }
  const found = await listByHandle(client, job.handle);
  if (!found.pod) throw new Error(`a pod named ${name} exists for another step`);
  logger.info({ adopted_pod: found.pod.metadata?.name }, 'pod-adopted');
  return { ...found, adopted: true };
}

// Resolves once no pod of the step has `uid`: a deletion with no grace period is immediate on the
// API server, but a watch covers one that is not. Bounded by the startup deadline.
async function untilGone(opts: ReplaceOptions, uid: string | undefined): Promise<void> {
  const listed = await listByHandle(opts.client, opts.job.handle);
  if (!listed.pod || listed.pod.metadata?.uid !== uid) return;
  let controller: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let isSettled = false;
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const settle = (fn: () => void): void => {
        if (isSettled) return;
        isSettled = true;
        fn();
      };
      timer = setTimeout(
        () =>
          settle(() =>
            reject(new Error(`pod ${listed.pod?.metadata?.name} was not deleted in time`)),
          ),
        Math.max(0, opts.deadline - Date.now()),
      );
      onAbort = () => settle(() => reject(opts.signal.reason));
      opts.signal.addEventListener('abort', onAbort, { once: true });
      new Watch(opts.client.kc)
        .watch(
          `/api/v1/namespaces/${opts.client.namespace}/pods`,
          {
            labelSelector: handleSelector(opts.job.handle),
            ...(listed.resourceVersion ? { resourceVersion: listed.resourceVersion } : {}),
          },
          (type: string, pod: V1Pod) => {
            if (type === 'DELETED' && pod.metadata?.uid === uid) settle(resolve);
          },
          // the watch ended on its own: look again (the pod may be gone) rather than wait blind
          () => {
            if (!isSettled)
              void untilGone(opts, uid).then(
                () => settle(resolve),
                (err: unknown) => settle(() => reject(err)),
              );
          },
        )
        .then(
          (c) => {
            controller = c;
            if (isSettled) c.abort();
          },
          (err: unknown) => settle(() => reject(err)),
        );
    });
  } finally {
    isSettled = true;
    clearTimeout(timer);
    if (onAbort) opts.signal.removeEventListener('abort', onAbort);
    controller?.abort();
  }
}
