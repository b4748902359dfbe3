// Creating, changing and deleting pods through the API.
import { randomBytes } from 'node:crypto';
import type { Kubelet } from '../kubelet/kubelet.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { applyMetadataChange, jsonPatch, mergePatch } from '../store/patch.ts';
import type { KubeObject } from '../store/types.ts';
import { validatePod } from './pod-validation.ts';
import { StatusError, badRequest } from './status-error.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function createPod(
  store: ObjectStore,
  kubelet: Kubelet,
  namespace: string,
  body: unknown,
): KubeObject {
  if (!isRecord(body) || !isRecord(body.metadata))
    throw badRequest('the body must be a Pod object');
  const pod = structuredClone(body) as KubeObject;
  const metadata = pod.metadata;
  if (metadata.namespace && metadata.namespace !== namespace) {
    throw badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  if (!store.find('namespaces', undefined, namespace)) {
    throw new StatusError('NotFound', `namespaces "${namespace}" not found`, {
      name: namespace,
      kind: 'namespaces',
    });
  }
  if (!metadata.name && metadata.generateName) {
    metadata.name = `${metadata.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
  }
  metadata.name ??= '';
  metadata.namespace = namespace;
  validatePod(pod);

  pod.apiVersion = 'v1';
  pod.kind = 'Pod';
  const spec = pod.spec as Record<string, unknown>;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  pod.status = { phase: 'Pending', qosClass: 'BestEffort' };
  delete metadata.deletionTimestamp;

  const created = store.create('pods', pod);
  kubelet.startPod(created);
  return created;
}

export function patchPod(
  store: ObjectStore,
  namespace: string,
  name: string,
  contentType: string,
  body: unknown,
): KubeObject {
  const current = store.get('pods', namespace, name);
  let changed: unknown;
  if (contentType.includes('json-patch')) {
    if (!Array.isArray(body)) throw badRequest('a JSON patch must be an array of operations');
    changed = jsonPatch(current, body);
  } else {
    changed = mergePatch(current, body);
  }
  return store.update('pods', namespace, name, (pod) =>
    applyMetadataChange(pod, changed as KubeObject),
  );
}

export function replacePod(
  store: ObjectStore,
  namespace: string,
  name: string,
  body: unknown,
): KubeObject {
  if (!isRecord(body) || !isRecord(body.metadata))
    throw badRequest('the body must be a Pod object');
  return store.update('pods', namespace, name, (pod) =>
    applyMetadataChange(pod, body as KubeObject),
  );
}

export function gracePeriodOf(params: URLSearchParams, body: unknown): number | undefined {
  const fromBody = isRecord(body) ? body.gracePeriodSeconds : undefined;
  const value = fromBody ?? params.get('gracePeriodSeconds') ?? undefined;
  if (value === undefined || value === null) return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0)
    throw badRequest('gracePeriodSeconds must be a non-negative integer');
  return seconds;
}

// A delete's preconditions hold for the pod as it is now, or nothing is deleted: a client deletes
// exactly the pod it saw, not one created again under the same name.
export function checkDeletePreconditions(pod: KubeObject, body: unknown): void {
  const preconditions = isRecord(body) && isRecord(body.preconditions) ? body.preconditions : {};
  const checks: [string, unknown, unknown][] = [
    ['UID', preconditions.uid, pod.metadata.uid],
    ['ResourceVersion', preconditions.resourceVersion, pod.metadata.resourceVersion],
  ];
  for (const [what, wanted, actual] of checks) {
    if (wanted === undefined || wanted === null || wanted === actual) continue;
    throw new StatusError(
      'Conflict',
      `Precondition failed: ${what} in precondition: ${String(wanted)}, ${what} in object meta: ${String(actual)}`,
      { name: pod.metadata.name, kind: 'pods' },
    );
  }
}
