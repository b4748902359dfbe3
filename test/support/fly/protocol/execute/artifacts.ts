// The gzip tars execute exchanges with the server: inputs packed from a local directory (only
// git's files inside a git work tree, as fly does), outputs unpacked into a local directory.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, lstat, readlink, writeFile, symlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';

const run = promisify(execFile);

async function gitLs(dir: string, ...flags: string[]): Promise<string[]> {
  const { stdout } = await run('git', ['ls-files', '-z', ...flags], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.split('\0').filter((f) => f !== '');
}

/** git's tracked-and-present plus untracked-not-ignored files, or null outside a work tree. */
async function gitFiles(dir: string): Promise<string[] | null> {
  try {
    const tracked = await gitLs(dir);
    const deleted = new Set(await gitLs(dir, '--deleted'));
    const untracked = await gitLs(dir, '--others', '--exclude-standard');
    return [...tracked.filter((f) => !deleted.has(f)), ...untracked];
  } catch {
    return null;
  }
}

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    out.push(relative(root, full));
    if (entry.isDirectory()) await walk(root, full, out);
  }
}

/** A gzip tar of `dir` as the task input's contents. */
export async function packDirectory(dir: string, includeIgnored: boolean): Promise<Buffer> {
  const root = resolve(dir);
  let files = includeIgnored ? null : await gitFiles(root);
  if (files === null) {
    files = [];
    await walk(root, root, files);
  }
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((ok, fail) => {
    pack.on('end', ok);
    pack.on('error', fail);
  });
  const seenDirs = new Set<string>();
  const addDirs = (file: string) => {
    const parts = file.split(sep).slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (seenDirs.has(d)) continue;
      seenDirs.add(d);
      pack.entry({ name: `${d}/`, type: 'directory', mode: 0o755 });
    }
  };
  for (const file of files.sort()) {
    const full = join(root, file);
    const stat = await lstat(full).catch(() => null);
    if (stat === null) continue;
    addDirs(file);
    const name = file.split(sep).join('/');
    if (stat.isDirectory()) {
      if (!seenDirs.has(name))
        pack.entry({ name: `${name}/`, type: 'directory', mode: stat.mode & 0o7777 });
      seenDirs.add(name);
    } else if (stat.isSymbolicLink()) {
      pack.entry({ name, type: 'symlink', linkname: await readlink(full), mode: 0o777 });
    } else if (stat.isFile()) {
      pack.entry({ name, mode: stat.mode & 0o7777, mtime: stat.mtime }, await readFile(full));
    }
  }
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

/** Unpacks a gzip tar into `dir`, refusing entries that would land outside it. */
export async function unpackInto(dir: string, archive: Buffer): Promise<void> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const extract = tar.extract();
  const finished = new Promise<void>((ok, fail) => {
    extract.on('finish', ok);
    extract.on('error', fail);
  });
  extract.on('entry', (header, stream, next) => {
    const target = resolve(root, header.name);
    const body: Buffer[] = [];
    stream.on('data', (c: unknown) => {
      body.push(c as Buffer);
    });
    stream.on('end', () => {
      void (async () => {
        if (target !== root && !target.startsWith(root + sep)) return;
        if (header.type === 'directory') await mkdir(target, { recursive: true });
        else if (header.type === 'symlink') {
          await mkdir(dirname(target), { recursive: true });
          await symlink(header.linkname ?? '', target);
        } else if (header.type === 'file' || header.type === undefined) {
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, Buffer.concat(body), { mode: header.mode ?? 0o644 });
        }
      })().then(() => next(), next);
    });
    stream.resume();
  });
  extract.end(gunzipSync(archive));
  await finished;
}
