// Turns a container of a pod into what bwrap needs: sandbox arguments, environment and command.
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../store/types.ts';
import type { BusyboxRoot } from './busybox-root.ts';
import type { ImageSpec } from './images.ts';
import type { Container, PodSpec } from './pod-types.ts';
import { sandboxArgs, type SandboxSpec } from './sandbox.ts';
import { containerMounts } from './volumes.ts';

export interface ContainerLaunch {
  args: string[];
  env: Record<string, string>;
  command: string[];
  // The command is looked up in the sandbox's view before it starts, and a missing one fails the
  // container as a runtime would: done for shell-less roots, which hold nothing the pod did not bring.
  checksExecutable: boolean;
}

const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function fieldValue(pod: KubeObject, path: string): string {
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace ?? 'default';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return 'kubesim';
    case 'status.podIP':
    case 'status.hostIP':
      return '127.0.0.1';
    default:
      return '';
  }
}

function expand(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
    (whole, name: string) => env[name] ?? whole,
  );
}

function containerEnv(
  pod: KubeObject,
  container: Container,
  spec: ImageSpec,
): Record<string, string> {
  const path =
    spec.kind === 'host' && spec.resourceDir
      ? `${dirname(process.execPath)}:${defaultPath}`
      : defaultPath;
  const env: Record<string, string> = {
    PATH: path,
    HOSTNAME: pod.metadata.name,
    HOME: '/root',
    ...(spec.kind === 'host' ? spec.env : {}),
  };
  for (const variable of container.env ?? []) {
    const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
    env[variable.name] = fieldPath ? fieldValue(pod, fieldPath) : expand(variable.value ?? '', env);
  }
  return env;
}

function sandboxRoot(spec: ImageSpec, busybox: () => BusyboxRoot): SandboxSpec['root'] {
  if (spec.kind === 'busybox') return { kind: 'busybox', busybox: busybox() };
  if (spec.kind === 'shell-less') return { kind: 'shell-less', programs: spec.programs ?? {} };
  return {
    kind: 'host',
    ...(spec.kind === 'host' && spec.resourceDir ? { resourceDir: spec.resourceDir } : {}),
  };
}

export function containerRootDir(podDir: string, containerName: string): string {
  return join(podDir, 'containers', containerName, 'root');
}

export async function prepareContainer(
  dataDir: string,
  podDir: string,
  pod: KubeObject,
  container: Container,
  spec: ImageSpec,
  busybox: () => BusyboxRoot,
): Promise<ContainerLaunch> {
  const podSpec = pod.spec as PodSpec;
  const containerRoot = containerRootDir(podDir, container.name);
  for (const dir of ['tmp', 'root', 'etc'])
    await mkdir(join(containerRoot, dir), { recursive: true });
  await chmod(join(containerRoot, 'tmp'), 0o1777);

  const args = await sandboxArgs({
    containerRoot,
    root: sandboxRoot(spec, busybox),
    mounts: await containerMounts(dataDir, podDir, podSpec.volumes ?? [], container),
    ...(container.workingDir ? { workingDir: container.workingDir } : {}),
    hostname: pod.metadata.name,
  });

  const env = containerEnv(pod, container, spec);
  const entry = container.command ?? [];
  const rest = container.args ?? [];
  const command = [...entry, ...rest].map((part) => expand(part, env));
  return {
    args,
    env,
    command: command.length > 0 ? command : ['sh'],
    checksExecutable: spec.kind === 'shell-less',
  };
}
