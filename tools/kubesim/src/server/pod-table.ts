// The meta.k8s.io/v1 Table kubectl asks for when it prints pods.
import type { KubeObject } from '../store/types.ts';
import { age, tableColumn } from './table-format.ts';

interface ContainerStatus {
  ready?: boolean;
  state?: {
    waiting?: { reason?: string };
    terminated?: { reason?: string; exitCode?: number; signal?: number };
  };
}

// The STATUS column as kubectl derives it from phase and container states.
export function podStatusText(pod: KubeObject): string {
  const status = (pod.status ?? {}) as Record<string, unknown>;
  let text = String(status.phase ?? 'Pending');
  const initStatuses = (status.initContainerStatuses ?? []) as ContainerStatus[];
  const statuses = (status.containerStatuses ?? []) as ContainerStatus[];
  let initializing = false;
  for (const [index, s] of initStatuses.entries()) {
    const terminated = s.state?.terminated;
    if (terminated && terminated.exitCode === 0) continue;
    initializing = true;
    if (terminated) text = `Init:${terminated.reason ?? 'Error'}`;
    else if (s.state?.waiting?.reason && s.state.waiting.reason !== 'PodInitializing')
      text = `Init:${s.state.waiting.reason}`;
    else text = `Init:${index}/${initStatuses.length}`;
    break;
  }
  if (!initializing) {
    for (const s of statuses) {
      if (s.state?.waiting?.reason) text = s.state.waiting.reason;
      else if (s.state?.terminated?.reason) text = s.state.terminated.reason;
    }
  }
  if (pod.metadata.deletionTimestamp) text = 'Terminating';
  return text;
}

export function podTable(pods: readonly KubeObject[], resourceVersion: string): object {
  const column = tableColumn;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: [
      column('Name', 'Name must be unique within a namespace.'),
      column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      column('Status', 'The aggregate status of the containers in this pod.'),
      column('Restarts', 'The number of times the containers in this pod have been restarted.'),
      column(
        'Age',
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      ),
      column('IP', 'IP address allocated to the pod.', 1),
      column('Node', 'Name of the node this pod runs on.', 1),
    ],
    rows: pods.map((pod) => {
      const status = (pod.status ?? {}) as Record<string, unknown>;
      const statuses = (status.containerStatuses ?? []) as ContainerStatus[];
      const total = ((pod.spec as { containers?: unknown[] })?.containers ?? []).length;
      const ready = statuses.filter((s) => s.ready).length;
      return {
        cells: [
          pod.metadata.name,
          `${ready}/${total}`,
          podStatusText(pod),
          0,
          age(pod.metadata.creationTimestamp),
          String(status.podIP ?? '<none>'),
          String((pod.spec as { nodeName?: string })?.nodeName ?? '<none>'),
        ],
        object: {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: pod.metadata,
        },
      };
    }),
  };
}
