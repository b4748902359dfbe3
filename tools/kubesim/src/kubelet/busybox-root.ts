// Builds, once per data dir, a root filesystem whose only tools are busybox applets.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export const busyboxBinary = '/usr/bin/busybox';

export interface BusyboxRoot {
  root: string;
  // host directories holding busybox's shared libraries, bound read-only at the same paths
  libraryDirs: string[];
}

function sharedLibraryDirs(): string[] {
  const output = execFileSync('ldd', [busyboxBinary], { encoding: 'utf8' });
  const dirs = new Set<string>();
  for (const line of output.split('\n')) {
    const path = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1];
    if (path) dirs.add(dirname(path));
  }
  return [...dirs];
}

function populate(root: string): void {
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync(busyboxBinary, join(root, 'bin/busybox'));
  const applets = execFileSync(busyboxBinary, ['--list-full'], { encoding: 'utf8' });
  for (const applet of applets.split('\n').filter((a) => a !== '')) {
    const target = join(root, applet);
    if (target === join(root, 'bin/busybox') || existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync('/bin/busybox', target);
  }
  for (const dir of ['sbin', 'usr/bin', 'usr/sbin', 'usr/local/bin', 'etc']) {
    mkdirSync(join(root, dir), { recursive: true });
  }
  writeFileSync(
    join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n',
  );
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  writeFileSync(join(root, 'etc/hosts'), '127.0.0.1 localhost\n');
}

export function ensureBusyboxRoot(dataDir: string): BusyboxRoot {
  const root = join(dataDir, 'images/busybox');
  if (!existsSync(join(root, 'bin/sh'))) {
    const staging = `${root}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    populate(staging);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(dirname(root), { recursive: true });
    renameSync(staging, root);
  }
  return { root, libraryDirs: sharedLibraryDirs() };
}
