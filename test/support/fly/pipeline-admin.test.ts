import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fly } from './index.ts';
import { FakeConcourse, flyHome, json, text } from './fake-concourse.ts';

const GOOD = `resources:
- name: repo
  type: mock
  source: {branch: ((branch))}
jobs:
- name: unit
  plan:
  - get: repo
`;

describe('fly pipeline admin, clear-task-cache and curl', () => {
  const server = new FakeConcourse();
  let api = '';
  let home = '';
  let dir = '';
  const run = (args: string[], stdin?: string) =>
    fly(['-t', 'test', ...args], { home, stdin, timeoutMs: 10_000 });

  before(async () => {
    api = await server.start();
    home = await flyHome(api);
    dir = await mkdtemp(join(tmpdir(), 'fly-admin-'));
    await writeFile(join(dir, 'good.yml'), GOOD);
    await writeFile(join(dir, 'bad.yml'), 'jobs:\n- name: unit\n  plan:\n  - get: missing\n');
  });
  after(() => server.stop());

  it('validates a pipeline locally, printing the evaluated template with -o', async () => {
    const before = server.requests.length;
    const ok = await run(['validate-pipeline', '-c', join(dir, 'good.yml')]);
    assert.equal(ok.stdout, 'looks good\n');
    const out = await run([
      'validate-pipeline',
      '-c',
      join(dir, 'good.yml'),
      '-v',
      'branch=x',
      '-o',
    ]);
    assert.match(out.stdout, /branch"?: "?x/);
    assert.equal(server.requests.length, before);
  });

  it('fails validation with the error list and configuration invalid', async () => {
    const bad = await run(['validate-pipeline', '-c', join(dir, 'bad.yml')]);
    assert.ok(bad.stderr.startsWith('\nWARNING:\nError loading existing config:\n  - '));
    assert.ok(bad.stderr.endsWith('\nconfiguration invalid\n'));
    assert.equal(bad.exitCode, 1);
  });

  it('renames a pipeline and reports a missing one', async () => {
    server.on('PUT', '/api/v1/teams/main/pipelines/old/rename', json(200, {}));
    const done = await run(['rename-pipeline', '-o', 'old', '-n', 'new']);
    const [req] = server.find('PUT', '/api/v1/teams/main/pipelines/old/rename');
    assert.deepEqual(JSON.parse(req!.body), { name: 'new' });
    assert.equal(done.stdout, "pipeline successfully renamed to 'new'\n");
    server.on('PUT', '/api/v1/teams/main/pipelines/old/rename', json(404, { errors: [] }));
    const missing = await run(['rename-pipeline', '-o', 'old', '-n', 'new']);
    assert.equal(missing.stderr, "pipeline 'old' not found\n\n");
    assert.equal(missing.exitCode, 1);
  });

  it('orders pipelines by name or alphabetically', async () => {
    server.on('GET', '/api/v1/teams/main', json(200, { id: 1, name: 'main' }));
    server.on('PUT', '/api/v1/teams/main/pipelines/ordering', text(200, ''));
    const given = await run(['order-pipelines', '-p', 'b', '-p', 'a']);
    assert.equal(given.stdout, 'ordered pipelines \n  - b \n  - a \n');
    assert.equal(
      server.find('PUT', '/api/v1/teams/main/pipelines/ordering')[0]!.body,
      '["b","a"]\n',
    );
    server.on(
      'GET',
      '/api/v1/teams/main/pipelines',
      json(200, [{ name: 'z' }, { name: 'c' }, { name: 'z' }]),
    );
    const alpha = await run(['order-pipelines', '-a']);
    assert.equal(alpha.stdout, 'ordered pipelines \n  - c \n  - z \n');
    server.on('PUT', '/api/v1/teams/main/pipelines/ordering', text(400, "pipeline 'q' not found"));
    const bad = await run(['order-pipelines', '-p', 'q']);
    assert.equal(bad.stderr, "failed to order pipelines: pipeline 'q' not found\n");
    assert.equal(bad.exitCode, 1);
  });

  it('clears a task cache after confirmation', async () => {
    const route = '/api/v1/teams/main/pipelines/ci/jobs/unit/tasks/build/cache';
    server.on('DELETE', route, json(200, { caches_removed: 2 }));
    const result = await run(
      ['clear-task-cache', '-j', 'ci/unit', '-s', 'build', '-c', 'go/pkg'],
      'y\n',
    );
    assert.equal(server.find('DELETE', route)[0]!.url, `${route}?cache_path=go%2Fpkg`);
    assert.equal(
      result.stdout,
      '!!! this will remove the task cache(s) for `ci/unit`, task step `build`, at `go/pkg`\n\n' +
        'are you sure? [yN]: 2 caches removed\n',
    );
    const declined = await run(['clear-task-cache', '-j', 'ci/unit', '-s', 'build'], 'n\n');
    assert.ok(declined.stdout.endsWith('are you sure? [yN]: bailing out\n'));
    assert.equal(server.find('DELETE', route).length, 1);
  });

  it('prints the curl command line it would run', async () => {
    const result = await run(['curl', '/api/v1/teams?x=1', '--print-and-exit', '--', '-s']);
    assert.equal(result.stdout, `curl -H "Authorization: bearer tok" -s ${api}/api/v1/teams?x=1\n`);
  });
});
