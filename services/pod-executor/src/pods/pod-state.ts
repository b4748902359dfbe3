// Reading a pod's status: is it ready to exec into, still coming, or never going to run the step.
import type { V1Pod } from '@kubernetes/client-node';

/** Waiting reasons that mean the container will not start by waiting longer. */
const fatalWaitingReasons = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'ErrImageNeverPull',
]);

export const imagePullReasons = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
]);

export type PodState =
  | { kind: 'running' }
  | { kind: 'pending'; reason: string | null }
  | { kind: 'failed'; reason: string; message: string };

export function podState(pod: V1Pod): PodState {
  const phase = pod.status?.phase ?? 'Pending';
  if (pod.metadata?.deletionTimestamp) {
    return { kind: 'failed', reason: 'PodDeleted', message: 'the pod is being deleted' };
  }
  if (phase === 'Succeeded' || phase === 'Failed') {
    return {
      kind: 'failed',
      reason: `Pod${phase}`,
      message: `the pod is in terminal phase ${phase}`,
    };
  }
  // An init container that cannot start, or fails, keeps the pod from ever running (restartPolicy
  // Never); one that exited 0 has done its part.
  for (const status of pod.status?.initContainerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && fatalWaitingReasons.has(waiting.reason)) {
      return {
        kind: 'failed',
        reason: waiting.reason,
        message: `init container ${status.name}: ${waiting.message ?? waiting.reason}`,
      };
    }
    const terminated = status.state?.terminated;
    if (terminated && terminated.exitCode !== 0) {
      return {
        kind: 'failed',
        reason: terminated.reason ?? 'InitContainerFailed',
        message:
          `the ${status.name} init container exited with code ${terminated.exitCode}` +
          (terminated.message ? `: ${terminated.message}` : ''),
      };
    }
  }
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && fatalWaitingReasons.has(waiting.reason)) {
      return { kind: 'failed', reason: waiting.reason, message: waiting.message ?? waiting.reason };
    }
    const terminated = status.state?.terminated;
    if (terminated) {
      return {
        kind: 'failed',
        reason: terminated.reason ?? 'ContainerTerminated',
        message:
          `the ${status.name} container exited with code ${terminated.exitCode}` +
          (terminated.message ? `: ${terminated.message}` : ''),
      };
    }
  }
  if (phase === 'Running') {
    const running = (pod.status?.containerStatuses ?? []).every((s) => s.state?.running);
    if (running) return { kind: 'running' };
  }
  const unschedulable = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False',
  );
  return { kind: 'pending', reason: unschedulable?.reason ?? null };
}
