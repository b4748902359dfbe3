// A file over 4 GiB through the artifact path in claim mode: uploaded as a fly execute input
// (a gzip tar streamed through web into the store, checked by the store's tar parser), extracted
// by the init container's busybox tar, read whole in the task, then tarred back onto the claim
// by the helper sidecar as the task's output and read back here. The file is mostly zeros with
// markers at its start, across the 4 GiB boundary and at its end; every copy is compared by MD5.
// Nothing is held in memory and the test side writes nothing: the tar is generated as it streams.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { constants, createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { fly } from '../support/fly/index.ts';
import { startQuickstart } from '../support/jetbridge.ts';

const fileBytes = 4.5 * 1024 ** 3 + 123;
const markers = [
  { at: 0, text: 'BEGIN-MARK' },
  { at: 2 ** 32 - 8, text: '<across-4GiB-edge>' },
  { at: fileBytes - 9, text: 'END-MARK\n' },
];
// The stored upload, the extracted input and the archived output each hold the whole file.
const neededBytes = 3 * fileBytes + 2 * 1024 ** 3;

/** The file's bytes, generated chunk by chunk, hashed as they go. */
function* fileChunks(hash: ReturnType<typeof createHash>): Generator<Buffer> {
  const chunkBytes = 4 * 1024 * 1024;
  for (let offset = 0; offset < fileBytes; offset += chunkBytes) {
    const chunk = Buffer.alloc(Math.min(chunkBytes, fileBytes - offset));
    for (const m of markers) {
      const from = Math.max(m.at, offset);
      const to = Math.min(m.at + m.text.length, offset + chunk.length);
      if (from < to) chunk.write(m.text.slice(from - m.at, to - m.at), from - offset, 'latin1');
    }
    hash.update(chunk);
    yield chunk;
  }
}

/** A gzip tar holding `huge.bin`, streamed; `digest` resolves once every byte went out. */
function gzipTarOfHugeFile(): { body: Readable; digest: Promise<string> } {
  const hash = createHash('md5');
  const pack = tar.pack();
  const digest = (async () => {
    const entry = pack.entry({ name: 'huge.bin', size: fileBytes, mode: 0o640 });
    await pipeline(Readable.from(fileChunks(hash)), entry);
    pack.finalize();
    return hash.digest('hex');
  })();
  const body = Readable.from(pack).pipe(createGzip({ level: constants.Z_BEST_SPEED }));
  return { body, digest };
}

/** MD5 of `name` inside the tar at `path`, read as a stream, and the size its header gives. */
async function memberDigest(path: string, name: string): Promise<{ size: number; md5: string }> {
  const extract = tar.extract();
  const found = new Promise<{ size: number; md5: string }>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      if (header.name.replace(/^\.\//, '') !== name) {
        body.on('end', () => next());
        body.resume();
        return;
      }
      const hash = createHash('md5');
      body.on('data', (c: unknown) => hash.update(c as Buffer));
      body.on('end', () => {
        resolve({ size: header.size, md5: hash.digest('hex') });
        next();
      });
    });
    extract.on('finish', () => reject(new Error(`${name} is not in ${path}`)));
  });
  await pipeline(createReadStream(path), extract);
  return found;
}

async function freeBytes(dir: string): Promise<number> {
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}

const free = await freeBytes(tmpdir());
const skip =
  free < neededBytes
    ? `needs ${(neededBytes / 1024 ** 3).toFixed(1)} GiB free in ${tmpdir()}, ` +
      `has ${(free / 1024 ** 3).toFixed(1)} GiB`
    : false;

describe('a file over 4 GiB through the artifact claim', { skip, timeout: 1_200_000 }, () => {
  let jb: Awaited<ReturnType<typeof startQuickstart>>;
  let home: string;
  let token: string;
  const f = (...a: string[]) => fly(['-t', 'local', ...a], { home, timeoutMs: 900_000 });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${jb.url}/api/v1/teams/main${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, ...init.headers },
    });

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startQuickstart({
      args: [
        '--kubernetes-artifact-store-claim',
        'artifacts',
        '--max-artifact-size',
        `${6 * 1024 ** 3}`,
      ],
    });
    const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
    token = /value: (\S+)/.exec(await readFile(join(home, '.flyrc'), 'utf8'))![1]!;
  });

  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('round-trips byte for byte: upload, init-container extract, task, sidecar archive', async () => {
    const { body, digest } = gzipTarOfHugeFile();
    const uploaded = await api('/artifacts?platform=linux', {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: Readable.toWeb(body) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(uploaded.status, 201, await uploaded.clone().text());
    const { id } = (await uploaded.json()) as { id: number };
    const md5 = await digest;

    const show = [
      'f=big/huge.bin',
      'echo "size=$(stat -c %s $f)"',
      'echo "md5=$(md5sum < $f | cut -c1-32)"',
      'echo "begin=$(dd if=$f bs=10 count=1 2>/dev/null)"',
      'echo "edge=$(dd if=$f bs=2 skip=2147483644 count=9 2>/dev/null)"',
      'echo "end=$(tail -c 9 $f)"',
    ].join('; ');
    const plan = {
      id: 'p1',
      do: [
        {
          id: 'p2',
          in_parallel: { steps: [{ id: 'p3', artifact_input: { artifact_id: id, name: 'big' } }] },
        },
        {
          id: 'p4',
          task: {
            name: 'one-off',
            privileged: false,
            config: {
              platform: 'linux',
              image_resource: { type: 'registry-image', source: { repository: 'busybox' } },
              inputs: [{ name: 'big' }],
              outputs: [{ name: 'big' }],
              run: { path: 'sh', args: ['-c', show] },
            },
          },
        },
      ],
    };
    const created = await api('/builds', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(plan),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const build = (await created.json()) as { id: number };
    const watched = await f('watch', '-b', String(build.id));
    assert.equal(
      watched.exitCode,
      0,
      `${watched.stdout}${watched.stderr}\n${jb.logs().slice(-3000)}`,
    );
    assert.match(watched.stdout, new RegExp(`size=${fileBytes}\\n`));
    assert.match(watched.stdout, new RegExp(`md5=${md5}\\n`), 'the file inside the task pod');
    assert.match(watched.stdout, /begin=BEGIN-MARK\n/);
    assert.match(watched.stdout, /edge=<across-4GiB-edge>\n/);
    assert.match(watched.stdout, /end=END-MARK\n/);

    const claim = join(jb.dataDir, 'kubesim', 'claims', 'artifacts', 'tars');
    const outputs = (await readdir(claim)).filter((t) => t.startsWith('out-'));
    assert.equal(outputs.length, 1, `the task's output on the claim: ${outputs.join(', ')}`);
    const archived = await memberDigest(join(claim, outputs[0]!), 'huge.bin');
    assert.deepEqual(archived, { size: fileBytes, md5 }, 'the output tarred by busybox tar');
  });
});

// Keeps the marker layout honest: the task's dd reads exactly the marker that crosses 4 GiB.
describe('the large file layout', () => {
  it('puts the edge marker across 4 GiB, where dd bs=2 skip=2147483644 count=9 reads', () => {
    const edge = markers[1]!;
    assert.equal(edge.at, 2 * 2147483644);
    assert.equal(edge.text.length, 2 * 9);
    assert.ok(edge.at < 2 ** 32 && edge.at + edge.text.length > 2 ** 32);
  });
});
