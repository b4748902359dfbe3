// bwrap command lines: one mount namespace per container (and per exec) with the pod's volumes.
import { access, lstat, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { BusyboxRoot } from './busybox-root.ts';
import { shellLessRootArgs } from './shell-less-root.ts';

export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface SandboxSpec {
  // a per-container directory that becomes the writable root, shared by the container and its execs
  containerRoot: string;
  root:
    | { kind: 'host'; resourceDir?: string }
    | { kind: 'busybox'; busybox: BusyboxRoot }
    | { kind: 'shell-less'; programs: Record<string, string> };
  mounts: Mount[];
  workingDir?: string;
  hostname: string;
}

export const bwrapPath = '/usr/bin/bwrap';

// Host entries a container never sees from the host: it gets its own, or they are mounted fresh.
const privateTopLevel = new Set(['proc', 'dev', 'sys', 'tmp', 'root', 'run', 'lost+found']);

// JetBridge's own files (the resource implementations) and the running Node.js must be visible in
// host-image containers wherever they are installed, even under a folder containers get privately
// (a checkout in /tmp or /root).
const installationPaths = [
  resolve(import.meta.dirname, '..', '..', '..', '..'),
  dirname(process.execPath),
]
  .filter((path) => privateTopLevel.has(path.split('/')[1] ?? ''))
  .filter(
    (path, i, all) =>
      !all.slice(0, i).some((earlier) => isUnder(path, earlier) || path === earlier),
  );

function isUnder(path: string, dir: string): boolean {
  return path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

// Binds the host tree read-only, descending into a directory only where a mount target is missing
// on the host, so that bwrap creates mount points in the container root instead of on the host.
// Host symlinks are recreated in the container root itself (not with bwrap --symlink, which
// fails when an earlier sandbox of the same container already made them).
async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function hostBinds(
  dir: string,
  targets: string[],
  containerRoot: string,
  args: string[],
): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (dir === '/' && privateTopLevel.has(entry.name)) continue;
    if (entry.isSymbolicLink()) {
      await copySymlink(path, join(containerRoot, path));
    } else if (entry.isDirectory()) {
      let isMissingTarget = false;
      for (const target of targets) {
        if (isUnder(target, path) && !(await exists(target))) isMissingTarget = true;
      }
      if (isMissingTarget) {
        await mkdir(join(containerRoot, path), { recursive: true });
        await hostBinds(path, targets, containerRoot, args);
      } else {
        args.push('--ro-bind', path, path);
      }
    } else if (entry.isFile()) {
      args.push('--ro-bind', path, path);
    }
  }
}

async function copySymlink(source: string, copy: string): Promise<void> {
  try {
    await lstat(copy);
    return;
  } catch {
    await symlink(await readlink(source), copy);
  }
}

export async function sandboxArgs(spec: SandboxSpec): Promise<string[]> {
  const args = ['--die-with-parent', '--unshare-pid', '--unshare-uts', '--unshare-ipc'];
  args.push('--hostname', spec.hostname, '--bind', spec.containerRoot, '/');

  const targets = spec.mounts.map((m) => m.target);
  if (spec.workingDir) targets.push(spec.workingDir);
  if (spec.root.kind === 'host' && spec.root.resourceDir) targets.push('/opt/resource');

  if (spec.root.kind === 'host') {
    await hostBinds('/', targets, spec.containerRoot, args);
    args.push('--ro-bind', '/sys', '/sys');
    for (const path of installationPaths) args.push('--ro-bind', path, path);
    if (spec.root.resourceDir) args.push('--ro-bind', spec.root.resourceDir, '/opt/resource');
  } else if (spec.root.kind === 'shell-less') {
    args.push(...(await shellLessRootArgs(spec.containerRoot, spec.root.programs)));
  } else {
    const { root, libraryDirs } = spec.root.busybox;
    for (const dir of ['bin', 'sbin', 'usr', 'etc'])
      args.push('--ro-bind', join(root, dir), `/${dir}`);
    for (const dir of libraryDirs) args.push('--ro-bind', dir, dir);
  }
  args.push('--proc', '/proc', '--dev', '/dev');

  for (const mount of spec.mounts) {
    args.push(mount.readOnly ? '--ro-bind' : '--bind', mount.source, mount.target);
  }
  if (spec.workingDir) args.push('--dir', spec.workingDir, '--chdir', spec.workingDir);
  return args;
}
