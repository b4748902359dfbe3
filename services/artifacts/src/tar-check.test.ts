import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import tar from 'tar-stream';
import { MalformedArtifactError, tarChecker, UnsafeArtifactError } from './tar-check.ts';

type Entry = Partial<tar.Header> & { name: string; body?: string };

async function archive(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const { body, ...header } of entries) pack.entry(header, body ?? '');
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

async function check(bytes: Buffer, chunkSize = 100): Promise<Buffer> {
  const out: Buffer[] = [];
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) pieces.push(bytes.subarray(i, i + chunkSize));
  await pipeline(
    Readable.from(pieces),
    tarChecker(),
    new Writable({
      write(chunk: Buffer, _enc, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(out);
}

describe('tar check', () => {
  it('passes a tar with files, directories, any symlinks and inner hard links byte for byte', async () => {
    const bytes = await archive([
      { name: './', type: 'directory' },
      { name: 'a/', type: 'directory' },
      { name: 'a/f', body: 'x'.repeat(3000) },
      { name: 'abs', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'up', type: 'symlink', linkname: '../../outside' },
      { name: 'dangling', type: 'symlink', linkname: 'nowhere' },
      { name: 'a/hard', type: 'link', linkname: 'a/f' },
      { name: `deep/${'ü'.repeat(60)}/${'long-name-'.repeat(20)}`, body: 'y' },
    ]);
    assert.deepEqual(await check(bytes), bytes);
  });

  const hostile: Array<[string, Entry[]]> = [
    ['a member named with ..', [{ name: '../escape', body: 'x' }]],
    ['a member nested under ..', [{ name: 'a/../../escape', body: 'x' }]],
    ['an absolute member name', [{ name: '/tmp/escape', body: 'x' }]],
    [
      'a member written through a symlink',
      [
        { name: 'link', type: 'symlink', linkname: '/tmp' },
        { name: 'link/escape', body: 'x' },
      ],
    ],
    ['a hard link to an absolute path', [{ name: 'h', type: 'link', linkname: '/etc/passwd' }]],
    ['a hard link leaving the root', [{ name: 'h', type: 'link', linkname: '../x' }]],
    [
      'a hard link whose target goes through a symlink of the archive',
      [
        { name: 'x', type: 'symlink', linkname: '/etc' },
        { name: 'y', type: 'link', linkname: 'x/hostname' },
      ],
    ],
    ['a device file', [{ name: 'dev', type: 'character-device', devmajor: 1, devminor: 3 }]],
  ];
  for (const [what, entries] of hostile) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(check(await archive(entries)), UnsafeArtifactError);
    });
  }

  it('refuses a truncated archive', async () => {
    const bytes = await archive([{ name: 'f', body: 'z'.repeat(5000) }]);
    await assert.rejects(check(bytes.subarray(0, 2048)), MalformedArtifactError);
  });
});
