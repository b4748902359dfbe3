// What the kubelet holds for a pod while it exists: its processes, launches, logs, and the
// signalling of those processes on deletion.
import type { SandboxProcess } from './spawner.ts';
import type { ContainerLog } from './container-log.ts';
import type { ContainerLaunch } from './container-setup.ts';
import { killGroup, terminateGroup } from './process-group.ts';

export interface PodRuntime {
  namespace: string;
  name: string;
  dir: string;
  launches: Map<string, ContainerLaunch>;
  logs: Map<string, ContainerLog>;
  // container and exec processes, each the leader of its own process group
  processes: Set<SandboxProcess>;
  isStopping: boolean;
  killTimer: NodeJS.Timeout | undefined;
  termRetry: NodeJS.Timeout | undefined;
}

// How often SIGTERM is retried for a container whose command bwrap has not started yet.
const termRetryMs = 50;

export function createRuntime(namespace: string, name: string, dir: string): PodRuntime {
  return {
    namespace,
    name,
    dir,
    launches: new Map(),
    logs: new Map(),
    processes: new Set(),
    isStopping: false,
    killTimer: undefined,
    termRetry: undefined,
  };
}

export function terminateAll(rt: PodRuntime, children: SandboxProcess[] = [...rt.processes]): void {
  const pending = children.filter(
    (child) => child.pid && rt.processes.has(child) && terminateGroup(child.pid) === 0,
  );
  if (pending.length > 0) {
    rt.termRetry = setTimeout(() => terminateAll(rt, pending), termRetryMs);
    rt.termRetry.unref();
  }
}

export function killAll(rt: PodRuntime): void {
  clearTimeout(rt.termRetry);
  for (const child of rt.processes) if (child.pid) killGroup(child.pid);
}
