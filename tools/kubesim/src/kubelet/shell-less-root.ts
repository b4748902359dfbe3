// The root of a shell-less image (distroless): the host's library directories read-only, the few
// files distroless has in /etc, and the image's own programs. No shell and no tools: nothing runs
// in it but those programs and what the pod's volumes bring.
import { lstat, mkdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const libraryDirs = ['lib', 'lib32', 'lib64', 'libx32', 'usr/lib', 'usr/lib32', 'usr/lib64'];

const etcFiles: Record<string, string> = {
  passwd:
    'root:x:0:0:root:/root:/sbin/nologin\n' +
    'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' +
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
  group: 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n',
  hosts: '127.0.0.1 localhost\n',
  'nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\n',
};

async function kindOf(path: string): Promise<'dir' | 'symlink' | undefined> {
  try {
    const stat = await lstat(path);
    if (stat.isSymbolicLink()) return 'symlink';
    return stat.isDirectory() ? 'dir' : undefined;
  } catch {
    return undefined;
  }
}

// A host symlink (lib -> usr/lib on merged-/usr hosts) is made again in the container root, once.
async function copySymlink(source: string, copy: string): Promise<void> {
  if ((await kindOf(copy)) !== undefined) return;
  await symlink(await readlink(source), copy);
}

export async function shellLessRootArgs(
  containerRoot: string,
  programs: Record<string, string>,
): Promise<string[]> {
  const args: string[] = [];
  await mkdir(join(containerRoot, 'usr'), { recursive: true });
  for (const dir of libraryDirs) {
    const kind = await kindOf(`/${dir}`);
    if (kind === 'symlink') await copySymlink(`/${dir}`, join(containerRoot, dir));
    else if (kind === 'dir') args.push('--ro-bind', `/${dir}`, `/${dir}`);
  }
  await mkdir(join(containerRoot, 'etc'), { recursive: true });
  for (const [name, text] of Object.entries(etcFiles))
    await writeFile(join(containerRoot, 'etc', name), text);
  for (const [target, source] of Object.entries(programs)) args.push('--ro-bind', source, target);
  return args;
}
