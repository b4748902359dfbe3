// A fly execute upload is streamed: a small gzip that inflates into a gigabyte passes through web
// and the artifact store without the process holding it in memory.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { startQuickstart } from '../support/jetbridge.ts';
import { apiToken } from '../support/api-token.ts';

const inflatedBytes = 1024 * 1024 * 1024;

async function gzippedZeros(size: number): Promise<Buffer> {
  const pack = tar.pack();
  const entry = pack.entry({ name: 'zeros', size }, () => pack.finalize());
  const chunk = Buffer.alloc(1024 * 1024);
  void (async () => {
    for (let sent = 0; sent < size; sent += chunk.length) {
      if (!entry.write(chunk.subarray(0, Math.min(chunk.length, size - sent)))) {
        await new Promise<void>((resolve) => entry.once('drain', () => resolve()));
      }
    }
    entry.end(undefined);
  })();
  const parts: Buffer[] = [];
  for await (const part of Readable.from(pack).pipe(createGzip())) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function peakRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

describe('artifact uploads', { timeout: 300_000 }, () => {
  let jb: Awaited<ReturnType<typeof startQuickstart>>;
  before(async () => {
    jb = await startQuickstart({ args: ['--max-artifact-size', String(2 * inflatedBytes)] });
  });
  after(() => jb?.stop());

  it('stores a gzip that inflates to 1 GiB without the server growing with it', async () => {
    const body = await gzippedZeros(inflatedBytes);
    assert.ok(body.length < 16 * 1024 * 1024);
    const access_token = await apiToken(jb.url, 'test', 'test');
    const pid = jb.processes.get('quickstart')!.child.pid!;
    const before = await peakRssBytes(pid);

    const response = await fetch(`${jb.url}/api/v1/teams/main/artifacts`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${access_token}`,
        'Content-Type': 'application/octet-stream',
      },
      body,
    });
    assert.equal(response.status, 201, await response.clone().text());
    const grown = (await peakRssBytes(pid)) - before;
    assert.ok(grown < 256 * 1024 * 1024, `the server grew by ${Math.round(grown / 2 ** 20)} MiB`);
  });
});
