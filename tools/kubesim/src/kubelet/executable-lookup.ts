// Finds a container's command in the view its sandbox will have (the binds of its bwrap arguments),
// before it starts, so that a missing one is reported the way containerd and runc report it: the
// container never runs, and its status says why.
import { lstat, readlink, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { ContainerLaunch } from './container-setup.ts';

interface Bind {
  source: string;
  target: string;
}

const bindFlags = new Set(['--bind', '--ro-bind', '--bind-try', '--ro-bind-try']);
const maxSymlinks = 40;

function bindsOf(args: string[]): Bind[] {
  const binds: Bind[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (bindFlags.has(args[i]!) && i + 2 < args.length) {
      binds.push({ source: args[i + 1]!, target: posix.normalize(args[i + 2]!) });
      i += 2;
    }
  }
  return binds;
}

function chdirOf(args: string[]): string {
  const at = args.lastIndexOf('--chdir');
  return at >= 0 && at + 1 < args.length ? args[at + 1]! : '/';
}

// Where a path of the container is on the host: under the last bind that covers it (bwrap mounts
// in order, so a later bind hides an earlier one).
function hostPath(binds: Bind[], path: string): string | undefined {
  for (let i = binds.length - 1; i >= 0; i -= 1) {
    const { source, target } = binds[i]!;
    if (target === '/') return posix.join(source, path);
    if (path === target || path.startsWith(`${target}/`))
      return posix.join(source, path.slice(target.length));
  }
  return undefined;
}

// Resolves a path component by component, following symlinks inside the container's view.
async function resolveInView(binds: Bind[], path: string): Promise<string | undefined> {
  const pending = path.split('/').filter((part) => part !== '');
  let resolved = '/';
  let followed = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      resolved = posix.dirname(resolved);
      continue;
    }
    const next = posix.join(resolved, part);
    const onHost = hostPath(binds, next);
    if (onHost === undefined) return undefined;
    const info = await lstat(onHost).catch(() => undefined);
    if (!info) {
      // bwrap makes the directories above a bind's target that the root does not have
      if (!binds.some((b) => b.target.startsWith(`${next}/`))) return undefined;
      resolved = next;
      continue;
    }
    if (!info.isSymbolicLink()) {
      resolved = next;
      continue;
    }
    if ((followed += 1) > maxSymlinks) return undefined;
    const link = await readlink(onHost);
    pending.unshift(...link.split('/').filter((p) => p !== ''));
    if (link.startsWith('/')) resolved = '/';
  }
  return hostPath(binds, resolved);
}

async function fileAt(binds: Bind[], path: string): Promise<'missing' | 'not-executable' | 'ok'> {
  const onHost = await resolveInView(binds, path);
  const info = onHost === undefined ? undefined : await stat(onHost).catch(() => undefined);
  if (!info?.isFile()) return 'missing';
  return (info.mode & 0o111) !== 0 ? 'ok' : 'not-executable';
}

const runtimePrefix =
  'failed to create containerd task: failed to create shim task: OCI runtime create failed: ' +
  'runc create failed: unable to start container process: ';

/** containerd's message for a command the container cannot start, or undefined when it can. */
export async function missingExecutableMessage(
  launch: ContainerLaunch,
): Promise<string | undefined> {
  const binds = bindsOf(launch.args);
  const command = launch.command[0] ?? '';
  if (command.includes('/')) {
    const found = await fileAt(binds, posix.resolve(chdirOf(launch.args), command));
    if (found === 'ok') return undefined;
    if (found === 'not-executable')
      return `${runtimePrefix}exec: "${command}": permission denied: unknown`;
    return `${runtimePrefix}exec: "${command}": stat ${command}: no such file or directory: unknown`;
  }
  for (const dir of (launch.env.PATH ?? '').split(':')) {
    if (dir.startsWith('/') && (await fileAt(binds, posix.join(dir, command))) === 'ok')
      return undefined;
  }
  return `${runtimePrefix}exec: "${command}": executable file not found in $PATH: unknown`;
}
