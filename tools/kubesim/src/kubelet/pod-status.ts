// Mutators for pod status the way a kubelet reports it: phase, conditions, container states.
import type { KubeObject } from '../store/types.ts';

export function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export type ContainerKind = 'init' | 'main';

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | {
      terminated: {
        exitCode: number;
        reason: string;
        message?: string;
        startedAt: string;
        finishedAt: string;
        containerID: string;
      };
    };

interface Status {
  phase?: string;
  conditions?: Record<string, unknown>[];
  initContainerStatuses?: Record<string, unknown>[];
  containerStatuses?: Record<string, unknown>[];
  [key: string]: unknown;
}

export function statusOf(pod: KubeObject): Status {
  pod.status ??= {};
  return pod.status as Status;
}

export function setCondition(
  pod: KubeObject,
  type: string,
  value: boolean,
  reason?: string,
  message?: string,
): void {
  const status = statusOf(pod);
  const conditions = (status.conditions ??= []);
  const existing = conditions.find((c) => c.type === type);
  const next: Record<string, unknown> = {
    type,
    status: value ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime:
      existing && existing.status === (value ? 'True' : 'False')
        ? existing.lastTransitionTime
        : now(),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
  if (existing) conditions.splice(conditions.indexOf(existing), 1, next);
  else conditions.push(next);
}

export function setContainerState(
  pod: KubeObject,
  kind: ContainerKind,
  container: { name: string; image: string },
  state: ContainerState,
  containerID?: string,
): void {
  const status = statusOf(pod);
  const list =
    kind === 'init' ? (status.initContainerStatuses ??= []) : (status.containerStatuses ??= []);
  const isRunning = 'running' in state;
  const entry: Record<string, unknown> = {
    name: container.name,
    state,
    lastState: {},
    ready: isRunning && kind === 'main',
    restartCount: 0,
    image: container.image,
    imageID: containerID ? `kubesim://${container.image}` : '',
    ...(containerID ? { containerID } : {}),
    started: isRunning,
  };
  const index = list.findIndex((s) => s.name === container.name);
  if (index >= 0) list.splice(index, 1, entry);
  else list.push(entry);
}

export function containerStateOf(
  pod: KubeObject,
  kind: ContainerKind,
  name: string,
): ContainerState | undefined {
  const status = statusOf(pod);
  const list = kind === 'init' ? status.initContainerStatuses : status.containerStatuses;
  return list?.find((s) => s.name === name)?.state as ContainerState | undefined;
}
