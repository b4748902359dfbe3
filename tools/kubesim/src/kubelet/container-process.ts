// Starts a container's process: bwrap in its own process group, output captured into its log.
import { ContainerLog } from './container-log.ts';
import type { ContainerLaunch } from './container-setup.ts';
import { bwrapPath } from './sandbox.ts';
import type { SandboxProcess, Spawner } from './spawner.ts';

export async function spawnContainer(
  spawner: Spawner,
  launch: ContainerLaunch,
): Promise<{ child: SandboxProcess; log: ContainerLog }> {
  const child = await spawner.spawn(bwrapPath, [...launch.args, '--', ...launch.command], {
    stdin: false,
    stdout: true,
    stderr: true,
    env: launch.env,
  });
  const log = new ContainerLog();
  child.stdout!.on('data', (chunk: Buffer) => log.append(chunk));
  child.stderr!.on('data', (chunk: Buffer) => log.append(chunk));
  child.on('close', () => log.close());
  return { child, log };
}
