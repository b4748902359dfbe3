// Hostile pipeline documents sent straight to PUT config (fly would refuse most of them before
// sending): each gets a clear 4xx in bounded time and memory, and the server keeps answering.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPipelineWeb, type PipelineWeb } from './support/web.ts';

const TIME_BOUND_MS = 5_000;
const MEMORY_BOUND_BYTES = 512 * 1024 * 1024;

function billionLaughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) {
    lines.push(
      `${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(',')}]`,
    );
  }
  lines.push('jobs: *i');
  return lines.join('\n');
}

const cases: Array<{
  what: string;
  body: () => Uint8Array | string;
  status: number;
  says: RegExp;
}> = [
  {
    what: 'a 10 MB document',
    body: () => `jobs: []\nx: "${'a'.repeat(10 * 1024 * 1024)}"\n`,
    status: 400,
    says: /larger than the limit/,
  },
  {
    what: 'a body over the upload limit',
    body: () => new Uint8Array(21 * 1024 * 1024).fill(0x61),
    status: 413,
    says: /./,
  },
  {
    what: '10,000-deep flow nesting',
    body: () => `jobs: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
    status: 400,
    says: /nests deeper/,
  },
  {
    what: '10,000-deep block nesting',
    body: () => `jobs:\n${'- '.repeat(10_000)}x\n`,
    status: 400,
    says: /nests/,
  },
  { what: 'a billion laughs', body: billionLaughs, status: 400, says: /alias/ },
  {
    what: 'invalid UTF-8',
    body: () => new Uint8Array([...Buffer.from('jobs:\n- name: '), 0xff, 0xfe, 0x0a]),
    status: 400,
    says: /invalid UTF-8/,
  },
  {
    what: 'a top-level list',
    body: () => '- a\n- b\n',
    status: 400,
    says: /top level of a pipeline must be a mapping, got array/,
  },
  {
    what: 'a top-level scalar',
    body: () => 'just text\n',
    status: 400,
    says: /must be a mapping, got string/,
  },
];

const healthy = `jobs:
- name: fine
  plan:
  - task: t
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run: {path: "true"}
`;

describe('hostile input to PUT config', () => {
  let web: PipelineWeb;
  before(async () => {
    web = await startPipelineWeb();
  });
  after(() => web?.close());

  const put = (name: string, body: Uint8Array | string) =>
    web.api(`/api/v1/teams/main/pipelines/${name}/config`, {
      method: 'PUT',
      body,
      headers: { 'Content-Type': 'application/x-yaml', 'X-Concourse-Config-Version': '' },
    });

  for (const [i, hostile] of cases.entries()) {
    it(`answers ${hostile.what} with a clear ${hostile.status}`, async () => {
      const body = hostile.body();
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();

      const response = await put(`hostile-${i}`, body);
      const text = await response.text();

      const elapsed = performance.now() - started;
      assert.equal(response.status, hostile.status, text.slice(0, 300));
      assert.match(text, hostile.says);
      if (hostile.status === 400) {
        const { errors } = JSON.parse(text) as { errors: string[] };
        assert.equal(errors.length, 1);
        assert.ok(errors[0]!.length < 500, 'the error must not echo the document');
      }
      assert.ok(elapsed < TIME_BOUND_MS, `took ${Math.round(elapsed)} ms`);
      const grown = process.memoryUsage().rss - rssBefore;
      assert.ok(grown < MEMORY_BOUND_BYTES, `memory grew by ${Math.round(grown / 2 ** 20)} MB`);

      const listed = await web.api('/api/v1/teams/main/pipelines');
      const names = ((await listed.json()) as Array<{ name: string }>).map((p) => p.name);
      assert.ok(!names.includes(`hostile-${i}`), 'nothing is saved');
    });
  }

  it('lets fly refuse an alias bomb before sending it', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'jb-hostile-')), 'bomb.yml');
    await writeFile(path, billionLaughs());
    const started = performance.now();
    const set = await web.fly('set-pipeline', '-n', '-p', 'bomb', '-c', path);
    assert.equal(set.exitCode, 1);
    assert.match(set.stderr, /alias/);
    assert.ok(performance.now() - started < TIME_BOUND_MS);
  });

  it('still saves a normal pipeline after all of them', async () => {
    assert.equal((await web.api('/api/v1/info')).status, 200);
    assert.equal((await put('after-hostile', healthy)).status, 201);
    const set = await web.fly('get-pipeline', '-p', 'after-hostile');
    assert.equal(set.exitCode, 0, set.stderr);
    assert.match(set.stdout, /name: fine/);
  });
});
