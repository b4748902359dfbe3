// The pod-level transitions a kubelet reports: scheduled, running, completed, init failed.
import type { KubeObject } from '../store/types.ts';
import type { PodSpec } from './pod-types.ts';
import { now, setCondition, setContainerState, statusOf } from './pod-status.ts';

export function markScheduled(pod: KubeObject): void {
  const spec = pod.spec as PodSpec;
  const initContainers = spec.initContainers ?? [];
  const hasInit = initContainers.length > 0;
  spec.nodeName = 'kubesim';
  Object.assign(statusOf(pod), {
    hostIP: '127.0.0.1',
    podIP: '127.0.0.1',
    podIPs: [{ ip: '127.0.0.1' }],
    startTime: now(),
    qosClass: 'BestEffort',
  });
  setCondition(pod, 'PodScheduled', true);
  setCondition(pod, 'Initialized', !hasInit, hasInit ? 'ContainersNotInitialized' : undefined);
  setCondition(pod, 'Ready', false, 'ContainersNotReady');
  setCondition(pod, 'ContainersReady', false, 'ContainersNotReady');
  for (const c of initContainers) {
    setContainerState(pod, 'init', c, { waiting: { reason: 'PodInitializing' } });
  }
  const reason = hasInit ? 'PodInitializing' : 'ContainerCreating';
  for (const c of spec.containers) setContainerState(pod, 'main', c, { waiting: { reason } });
}

export function markInitFailed(pod: KubeObject): void {
  statusOf(pod).phase = 'Failed';
  setCondition(pod, 'Initialized', false, 'ContainersNotInitialized');
}

export function markRunning(pod: KubeObject): void {
  statusOf(pod).phase = 'Running';
  setCondition(pod, 'ContainersReady', true);
  setCondition(pod, 'Ready', true);
}

export function markCompleted(pod: KubeObject, exitCodes: number[]): void {
  statusOf(pod).phase = exitCodes.every((c) => c === 0) ? 'Succeeded' : 'Failed';
  setCondition(pod, 'ContainersReady', false, 'PodCompleted');
  setCondition(pod, 'Ready', false, 'PodCompleted');
}
