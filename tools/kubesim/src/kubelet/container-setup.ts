// Turns a container of a pod into what bwrap needs: sandbox arguments, environment and command.
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../store/types.ts';
import type { BusyboxRoot } from './busybox-root.ts';
import type { ImageSpec } from './images.ts';
import type { Container, PodSpec } from './pod-types.ts';
import { sandboxArgs } from './sandbox.ts';
import { containerMounts } from './volumes.ts';

export interface ContainerLaunch {
  args: string[];
  env: Record<string, string>;
  command: string[];
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

  const root =
    spec.kind === 'busybox'
      ? { kind: 'busybox' as const, busybox: busybox() }
      : {
          kind: 'host' as const,
          ...(spec.kind === 'host' && spec.resourceDir ? { resourceDir: spec.resourceDir } : {}),
        };
  const args = await sandboxArgs({
    containerRoot,
    root,
    mounts: await containerMounts(dataDir, podDir, podSpec.volumes ?? [], container),
    ...(container.workingDir ? { workingDir: container.workingDir } : {}),
    hostname: pod.metadata.name,
  });

  const env = containerEnv(pod, container, spec);
  const entry = container.command ?? [];
  const rest = container.args ?? [];
  const command = [...entry, ...rest].map((part) => expand(part, env));
  return { args, env, command: command.length > 0 ? command : ['sh'] };
}
