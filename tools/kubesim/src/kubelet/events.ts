// Records v1 Events about pods, as the kubelet and scheduler of a real node would.
import { randomBytes } from 'node:crypto';
import type { ObjectStore } from '../store/object-store.ts';
import type { KubeObject } from '../store/types.ts';
import { now } from './pod-status.ts';

export interface PodEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  fieldPath?: string;
  component?: string;
}

export function recordPodEvent(store: ObjectStore, pod: KubeObject, event: PodEvent): void {
  const timestamp = now();
  const namespace = pod.metadata.namespace ?? 'default';
  const component = event.component ?? 'kubelet';
  store.create('events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${pod.metadata.name}.${randomBytes(8).toString('hex')}`,
      namespace,
    },
    involvedObject: {
      kind: 'Pod',
      namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      apiVersion: 'v1',
      resourceVersion: pod.metadata.resourceVersion,
      ...(event.fieldPath ? { fieldPath: event.fieldPath } : {}),
    },
    reason: event.reason,
    message: event.message,
    source: { component, ...(component === 'kubelet' ? { host: 'kubesim' } : {}) },
    firstTimestamp: timestamp,
    lastTimestamp: timestamp,
    count: 1,
    type: event.type,
    eventTime: null,
    reportingComponent: component,
    reportingInstance: component === 'kubelet' ? 'kubesim' : '',
  });
}
