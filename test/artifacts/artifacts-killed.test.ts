// The artifact service killed in the middle of a `fly execute` upload (distributed mode): the
// upload fails with a clear error, nothing half-written is ever visible in the store, and the retry
// after a restart stores the tar byte for byte.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fly } from '../support/fly/index.ts';
import { startDistributed } from '../support/jetbridge.ts';
import { freePort, type ManagedProcess } from '../support/processes.ts';
import { plainTar } from './support/hostile-tars.ts';

/** Resolves once `dir` has an entry; bounded by `timeoutMs`. */
async function firstEntry(dir: string, timeoutMs: number): Promise<void> {
  const watcher = watch(dir);
  try {
    const appeared = new Promise<void>((resolve) => watcher.on('change', () => resolve()));
    if ((await readdir(dir)).length > 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`nothing appeared in ${dir}`)), timeoutMs);
    });
    await Promise.race([appeared, timeout]).finally(() => clearTimeout(timer));
  } finally {
    watcher.close();
  }
}

describe('the artifact service killed during an upload', { timeout: 600_000 }, () => {
  let jb: Awaited<ReturnType<typeof startDistributed>>;
  let home: string;
  let storeDir: string;
  let storePort: number;
  let token: string;

  const startArtifacts = async (name: string): Promise<ManagedProcess> => {
    const proc = jb.spawn(name, [
      'artifacts',
      '--artifact-store-dir',
      storeDir,
      '--artifacts-bind-port',
      String(storePort),
    ]);
    await proc.waitFor(/artifacts-started/, 60_000);
    return proc;
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    storeDir = await mkdtemp(join(tmpdir(), 'jb-store-'));
    storePort = await freePort();
    jb = await startDistributed();
    const login = await fly(['-t', 'local', 'login', '-c', jb.url, '-u', 'test', '-p', 'test'], {
      home,
    });
    assert.equal(login.exitCode, 0, login.stdout + login.stderr);
    token = /value: (\S+)/.exec(await readFile(join(home, '.flyrc'), 'utf8'))![1]!;
    // One artifacts replica whose store this test can look into.
    await jb.processes.get('artifacts')!.kill();
  });

  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
    await rm(storeDir, { recursive: true, force: true });
  });

  it('fails the upload clearly, shows nothing half-written, and the retry succeeds', async () => {
    const tar = await plainTar([{ name: 'payload.bin', body: randomBytes(12 * 1024 * 1024) }]);
    const gzipped = gzipSync(tar, { level: 1 });
    const url = `${jb.url}/api/v1/teams/main/artifacts`;
    const headers = {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/octet-stream',
    };
    const first = await startArtifacts('artifacts-a');

    let feed!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (feed = c) });
    const response = fetch(url, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
    feed.enqueue(gzipped.subarray(0, 1024 * 1024));
    await firstEntry(join(storeDir, 'incoming'), 30_000);
    await first.kill();
    await jb.processes.get('web')!.waitFor(/artifact-upload-failed/, 30_000);
    feed.close();
    const failed = await response;
    assert.equal(failed.status, 502);
    assert.match(await failed.text(), /nothing was stored, retry the upload/);
    assert.deepEqual(await readdir(join(storeDir, 'tars')), []);

    await startArtifacts('artifacts-b');
    assert.deepEqual(await readdir(join(storeDir, 'incoming')), [], 'the cut upload is cleared');
    const retried = await fetch(url, { method: 'POST', headers, body: gzipped });
    assert.equal(retried.status, 201, await retried.clone().text());
    const { id } = (await retried.json()) as { id: number };
    assert.equal((await readdir(join(storeDir, 'tars'))).length, 1);

    const download = await fetch(`${url}/${id}`, { headers });
    assert.equal(download.status, 200);
    const stored = gunzipSync(Buffer.from(await download.arrayBuffer()));
    assert.ok(stored.equals(tar), 'the downloaded tar is the uploaded tar byte for byte');
  });
});
