import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { fly } from './index.ts';
import { FakeConcourse, flyHome, json, sseEvent, sseHeaders } from './fake-concourse.ts';
import { packDirectory } from './protocol/execute/artifacts.ts';

const TASK = `platform: linux
image_resource: {type: mock, source: {}}
inputs: [{name: src}]
outputs: [{name: out}]
params: {GREETING: ((greeting))}
run: {path: sh, args: [-c, echo]}
`;

async function tarEntries(gz: Buffer): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  const extract = tar.extract();
  const done = new Promise<void>((ok) => extract.on('finish', () => ok()));
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    stream.on('end', () => {
      entries[header.name] = Buffer.concat(chunks).toString();
      next();
    });
  });
  extract.end(gunzipSync(gz));
  await done;
  return entries;
}

describe('fly execute', () => {
  const server = new FakeConcourse();
  let api = '';
  let home = '';
  let dir = '';

  before(async () => {
    api = await server.start();
    home = await flyHome(api);
    dir = await mkdtemp(join(tmpdir(), 'fly-exec-'));
    await mkdir(join(dir, 'src', 'sub'), { recursive: true });
    await writeFile(join(dir, 'src', 'a.txt'), 'alpha');
    await writeFile(join(dir, 'src', 'sub', 'b.txt'), 'beta');
    await writeFile(join(dir, 'task.yml'), TASK);
  });
  after(() => server.stop());

  it('uploads inputs, submits the plan, streams events and downloads outputs', async () => {
    server.on('POST', '/api/v1/teams/main/artifacts', json(201, { id: 5, name: '', build_id: 0 }));
    server.on(
      'POST',
      '/api/v1/teams/main/builds',
      json(201, { id: 43, name: '17', status: 'started' }),
    );
    server.on('GET', '/api/v1/builds/43/events', (_req, res: ServerResponse) => {
      sseHeaders(res);
      res.write(sseEvent(0, 'status', '1.0', { status: 'failed', time: 1 }));
    });
    server.on(
      'GET',
      '/api/v1/builds/43/artifacts',
      json(200, [{ id: 8, name: 'out', build_id: 43 }]),
    );
    const output = await packDirectory(join(dir, 'src'), true);
    server.on('GET', '/api/v1/teams/main/artifacts/8', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(output);
    });

    const outDir = join(dir, 'downloaded');
    const result = await fly(
      [
        '-t',
        'test',
        'execute',
        '-c',
        join(dir, 'task.yml'),
        '-i',
        `src=${join(dir, 'src')}`,
        '-o',
        `out=${outDir}`,
        '-v',
        'greeting=hi',
        '--tag',
        'k8s',
        '--',
        'extra',
      ],
      { home, timeoutMs: 10_000 },
    );

    assert.equal(result.stdout, `executing build 43 at ${api}/builds/43\nfailed\n`);
    assert.equal(result.exitCode, 1);

    const [upload] = server.find('POST', '/api/v1/teams/main/artifacts');
    assert.equal(upload!.url, '/api/v1/teams/main/artifacts?platform=linux&tags=k8s');
    assert.equal(upload!.headers['content-type'], 'application/octet-stream');

    const [create] = server.find('POST', '/api/v1/teams/main/builds');
    assert.equal(create!.headers['content-type'], 'application/json');
    const plan = JSON.parse(create!.body);
    const ids = (n: string) => parseInt(n, 16);
    const step = plan.ensure.step;
    const [inputs, task] = step.do;
    assert.deepEqual(inputs.in_parallel.steps, [
      { id: inputs.in_parallel.steps[0].id, artifact_input: { artifact_id: 5, name: 'src' } },
    ]);
    assert.deepEqual(plan.ensure.ensure.in_parallel.steps[0].artifact_output, { name: 'out' });
    assert.equal(task.task.name, 'one-off');
    assert.equal(task.task.privileged, false);
    assert.equal(task.task.hermetic, false);
    assert.deepEqual(task.task.tags, ['k8s']);
    assert.deepEqual(task.task.config.params, { GREETING: 'hi' });
    assert.deepEqual(task.task.config.run.args, ['-c', 'echo', 'extra']);
    const order = [
      inputs.in_parallel.steps[0].id,
      plan.ensure.ensure.in_parallel.steps[0].id,
      task.id,
      inputs.id,
      step.id,
      plan.ensure.ensure.id,
      plan.id,
    ].map(ids);
    assert.deepEqual(
      order,
      order.map((_, i) => order[0]! + i),
    );

    assert.equal(await readFile(join(outDir, 'sub', 'b.txt'), 'utf8'), 'beta');
  });

  it('packs a directory as a gzip tar of its files', async () => {
    const entries = await tarEntries(await packDirectory(join(dir, 'src'), true));
    assert.equal(entries['a.txt'], 'alpha');
    assert.equal(entries['sub/b.txt'], 'beta');
  });

  it('rejects inputs and outputs the task does not declare', async () => {
    const badInput = await fly(
      ['-t', 'test', 'execute', '-c', join(dir, 'task.yml'), '-i', `nope=${dir}`],
      { home, timeoutMs: 10_000 },
    );
    assert.equal(badInput.stderr, 'error: unknown input `nope`\n');
    const badOutput = await fly(
      ['-t', 'test', 'execute', '-c', join(dir, 'task.yml'), '-i', `src=${dir}`, '-o', 'x=y'],
      { home, timeoutMs: 10_000 },
    );
    assert.equal(badOutput.stderr, "error: unknown output 'x'\n");
  });

  it('sends a null in_parallel without inputs and exits with the build status', async () => {
    await writeFile(join(dir, 'bare.yml'), 'platform: linux\nrun: {path: sh}\n');
    server.on(
      'POST',
      '/api/v1/teams/main/builds',
      json(201, { id: 44, name: '18', status: 'started' }),
    );
    server.on('GET', '/api/v1/builds/44/events', (_req, res: ServerResponse) => {
      sseHeaders(res);
      res.write(sseEvent(0, 'status', '1.0', { status: 'succeeded', time: 1 }));
    });
    server.on('GET', '/api/v1/builds/44/artifacts', json(200, []));
    const result = await fly(['-t', 'test', 'execute', '-c', join(dir, 'bare.yml'), '-p'], {
      home,
      timeoutMs: 10_000,
    });
    const plan = JSON.parse(server.find('POST', '/api/v1/teams/main/builds').at(-1)!.body);
    assert.equal(plan.do[0].in_parallel.steps, null);
    assert.equal(plan.do[1].task.privileged, true);
    assert.equal(result.exitCode, 0);
  });
});
