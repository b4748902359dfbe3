import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createRegistry } from '@jetbridge/telemetry';
import tar from 'tar-stream';
import { createArtifactsApp } from './http.ts';
import { ArtifactStore, ArtifactTooLargeError, InvalidArtifactKeyError } from './store.ts';

describe('artifact store', () => {
  let dir: string;
  let store: ArtifactStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jb-artifacts-'));
    store = new ArtifactStore(dir, 4096);
    await store.init();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('stores a tar under its key and streams it back byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 13, 10]);
    await store.put('abc123', Readable.from([bytes]));
    const chunks: Buffer[] = [];
    for await (const c of store.read('abc123')) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), bytes);
  });

  it('rejects an upload over the size limit and leaves nothing half-written', async () => {
    await assert.rejects(
      store.put('big', Readable.from([Buffer.alloc(8192)])),
      ArtifactTooLargeError,
    );
    assert.equal(await store.exists('big'), false);
    assert.deepEqual(await readdir(join(dir, 'incoming')), []);
  });

  it('leaves nothing visible when the upload stream fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(10));
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(store.put('cut', failing), /connection reset/);
    assert.equal(await store.exists('cut'), false);
  });

  it('links a stored tar under a second key that outlives the first', async () => {
    await store.put('first', Readable.from([Buffer.from('tar bytes')]));
    await store.link('first', 'rc-second');
    await store.delete('first');
    assert.equal(await readFile(join(dir, 'tars', 'rc-second.tar'), 'utf8'), 'tar bytes');
    await assert.rejects(store.link('first', 'rc-third'), { code: 'ENOENT' });
    assert.equal(await store.exists('rc-third'), false);
    assert.deepEqual(await readdir(join(dir, 'incoming')), []);
  });

  it('refuses keys that could escape the store', () => {
    for (const key of ['../x', 'a/b', '', '.hidden', 'A B']) {
      assert.throws(() => store.pathOf(key), InvalidArtifactKeyError);
    }
  });

  it('serves uploads and downloads over HTTP with a 413 past the limit', async () => {
    const app = createArtifactsApp(store, createRegistry('artifacts-test'));
    const pack = tar.pack();
    pack.entry({ name: 'hello' }, 'hello');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const archive = Buffer.concat(chunks);
    const put = await app.request('/artifacts/h1', { method: 'PUT', body: archive });
    assert.equal(put.status, 201);
    const get = await app.request('/artifacts/h1');
    assert.deepEqual(Buffer.from(await get.arrayBuffer()), archive);
    const notTar = await app.request('/artifacts/h3', { method: 'PUT', body: 'hello' });
    assert.equal(notTar.status, 422);
    const tooBig = await app.request('/artifacts/h2', { method: 'PUT', body: 'x'.repeat(8192) });
    assert.equal(tooBig.status, 413);
    assert.equal((await app.request('/artifacts/missing')).status, 404);
    const head = await app.request('/artifacts/h1', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(archive.length));
    assert.equal((await app.request('/artifacts/missing', { method: 'HEAD' })).status, 404);
    assert.equal((await app.request('/artifacts/h1', { method: 'DELETE' })).status, 204);
    assert.equal(await readFile(join(dir, 'tars', 'h1.tar')).catch(() => null), null);
  });
});
