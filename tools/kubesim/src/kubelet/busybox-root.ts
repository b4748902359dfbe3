// Builds, once per data dir, a root filesystem whose only tools are busybox applets. Built with
// asynchronous file calls: the kubelet starts it when kubesim starts, and pods wait on it.
import { execFile } from 'node:child_process';
import { access, copyFile, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const busyboxBinary = '/usr/bin/busybox';

export interface BusyboxRoot {
  root: string;
  // host directories holding busybox's shared libraries, bound read-only at the same paths
  libraryDirs: string[];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function sharedLibraryDirs(): Promise<string[]> {
  const { stdout } = await run('ldd', [busyboxBinary], { encoding: 'utf8' });
  const dirs = new Set<string>();
  for (const line of stdout.split('\n')) {
    const path = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1];
    if (path) dirs.add(dirname(path));
  }
  return [...dirs];
}

async function populate(root: string): Promise<void> {
  await mkdir(join(root, 'bin'), { recursive: true });
  await copyFile(busyboxBinary, join(root, 'bin/busybox'));
  const { stdout } = await run(busyboxBinary, ['--list-full'], { encoding: 'utf8' });
  const targets = [
    ...new Set(
      stdout
        .split('\n')
        .filter((applet) => applet !== '')
        .map((a) => join(root, a)),
    ),
  ].filter((target) => target !== join(root, 'bin/busybox'));
  for (const dir of new Set(targets.map((target) => dirname(target)))) {
    await mkdir(dir, { recursive: true });
  }
  await Promise.all(targets.map((target) => symlink('/bin/busybox', target)));
  for (const dir of ['sbin', 'usr/bin', 'usr/sbin', 'usr/local/bin', 'etc']) {
    await mkdir(join(root, dir), { recursive: true });
  }
  await writeFile(
    join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n',
  );
  await writeFile(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  await writeFile(join(root, 'etc/hosts'), '127.0.0.1 localhost\n');
}

export async function ensureBusyboxRoot(dataDir: string): Promise<BusyboxRoot> {
  const root = join(dataDir, 'images/busybox');
  if (!(await exists(join(root, 'bin/sh')))) {
    const staging = `${root}.${process.pid}.tmp`;
    await rm(staging, { recursive: true, force: true });
    await populate(staging);
    await rm(root, { recursive: true, force: true });
    await mkdir(dirname(root), { recursive: true });
    await rename(staging, root);
  }
  return { root, libraryDirs: await sharedLibraryDirs() };
}
