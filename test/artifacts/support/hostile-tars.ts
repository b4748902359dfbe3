// Tars that would make a careless extraction write outside its root: `..` members, absolute
// members, members reached through a symlink to outside, hard links to outside, device files.
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export type TarEntry = Partial<tar.Header> & { name: string; body?: string | Buffer };

export const hostileTars: Record<string, TarEntry[]> = {
  'a .. member': [{ name: '../escaped', body: 'x' }],
  'a member nested under ..': [
    { name: 'ok/', type: 'directory' },
    { name: 'ok/../../escaped', body: 'x' },
  ],
  'an absolute member': [{ name: '/tmp/jetbridge-escaped', body: 'x' }],
  'a member written through a symlink pointing out': [
    { name: 'out', type: 'symlink', linkname: '/tmp' },
    { name: 'out/jetbridge-escaped', body: 'x' },
  ],
  'a hard link to an absolute path': [{ name: 'h', type: 'link', linkname: '/etc/passwd' }],
  'a hard link out of the root': [{ name: 'h', type: 'link', linkname: '../../etc/passwd' }],
  'a device file': [{ name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }],
};

export async function plainTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const { body, ...header } of entries) pack.entry(header, body ?? '');
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export async function gzipTar(entries: TarEntry[]): Promise<Buffer> {
  return gzipSync(await plainTar(entries));
}
