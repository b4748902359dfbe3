// GET pods/{name}/log: the container's captured output, whole, tailed or followed.
import type { ServerResponse } from 'node:http';
import type { Kubelet } from '../kubelet/kubelet.ts';
import type { PodSpec } from '../kubelet/pod-types.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { badRequest } from './status-error.ts';

export function streamPodLog(
  res: ServerResponse,
  store: ObjectStore,
  kubelet: Kubelet,
  namespace: string,
  name: string,
  params: URLSearchParams,
): void {
  const pod = store.get('pods', namespace, name);
  const spec = pod.spec as PodSpec;
  const names = [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.name);
  let container = params.get('container');
  if (!container) {
    if (spec.containers.length > 1) {
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${spec.containers.map((c) => c.name).join(' ')}]`,
      );
    }
    container = spec.containers[0]!.name;
  }
  if (!names.includes(container))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  if (params.get('previous') === 'true') {
    throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  }
  const log = kubelet.containerLog(namespace, name, container);
  if (!log)
    throw badRequest(
      `container "${container}" in pod "${name}" is waiting to start: ContainerCreating`,
    );

  const tail = params.get('tailLines');
  const tailLines = tail === null ? undefined : Number(tail);
  if (tailLines !== undefined && !Number.isInteger(tailLines))
    throw badRequest('tailLines must be an integer');

  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.flushHeaders();
  res.write(log.contents(tailLines));
  if (params.get('follow') !== 'true' || log.isClosed) {
    res.end();
    return;
  }
  const unfollow = log.follow(
    (chunk) => res.write(chunk),
    () => res.end(),
  );
  res.on('close', unfollow);
}
