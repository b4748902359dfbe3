// Starts a container's process: bwrap in its own process group, output captured into its log.
import { spawn, type ChildProcess } from 'node:child_process';
import { ContainerLog } from './container-log.ts';
import type { ContainerLaunch } from './container-setup.ts';
import { bwrapPath } from './sandbox.ts';

export function spawnContainer(launch: ContainerLaunch): {
  child: ChildProcess;
  log: ContainerLog;
} {
  const log = new ContainerLog();
  const child = spawn(bwrapPath, [...launch.args, '--', ...launch.command], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: launch.env,
  });
  child.stdout!.on('data', (chunk: Buffer) => log.append(chunk));
  child.stderr!.on('data', (chunk: Buffer) => log.append(chunk));
  child.on('close', () => log.close());
  return { child, log };
}
