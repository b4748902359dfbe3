import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { fly } from './index.ts';
import { FakeConcourse, flyHome, json, sseEvent, sseHeaders, text } from './fake-concourse.ts';

const R = '/api/v1/teams/main/pipelines/ci/resources/repo';
const t = 1700000000;

function events(final: string) {
  return (_req: unknown, res: ServerResponse) => {
    sseHeaders(res);
    res.write(sseEvent(0, 'status', '1.0', { status: final, time: t }));
  };
}

describe('fly resource commands', () => {
  const server = new FakeConcourse();
  let home = '';
  const run = (...args: string[]) => fly(['-t', 'test', ...args], { home, timeoutMs: 10_000 });

  before(async () => {
    home = await flyHome(await server.start());
  });
  after(() => server.stop());

  it('checks a resource from a version and exits with the check build status', async () => {
    server.on('POST', `${R}/check`, json(201, { id: 9, name: '1', status: 'started' }));
    server.on('GET', '/api/v1/builds/9/events', events('failed'));
    const result = await run('check-resource', '-r', 'ci/repo', '-f', 'ref:abc', '--shallow');
    const [req] = server.find('POST', `${R}/check`).slice(-1);
    assert.deepEqual(JSON.parse(req!.body), { from: { ref: 'abc' }, shallow: true });
    assert.equal(req!.headers['content-type'], 'application/json');
    assert.equal(result.stdout, 'checking ci/repo in build 9\nfailed\n');
    assert.equal(result.exitCode, 1);
  });

  it('returns at once with -a and sends a null from', async () => {
    const result = await run('check-resource', '-r', 'ci/repo', '-a');
    const [req] = server.find('POST', `${R}/check`).slice(-1);
    assert.deepEqual(JSON.parse(req!.body), { from: null, shallow: false });
    assert.equal(result.stdout, 'checking ci/repo in build 9\n');
    assert.equal(result.exitCode, 0);
  });

  it('names the pipeline and resource when the check route is not found', async () => {
    server.on('POST', `${R}/check`, json(404, { errors: [] }));
    const result = await run('check-resource', '-r', 'ci/repo', '-a');
    assert.equal(result.stderr, "error: pipeline 'ci' or resource 'repo' not found\n\n");
    assert.equal(result.exitCode, 1);
  });

  it('shows a check 500 body as the error', async () => {
    server.on('POST', `${R}/check`, text(500, 'resource type not found'));
    const result = await run('check-resource', '-r', 'ci/repo', '-a');
    assert.equal(result.stderr, 'error: resource type not found\n');
  });

  it('checks a resource type through its own route', async () => {
    const route = '/api/v1/teams/main/pipelines/ci/resource-types/my-type/check';
    server.on('POST', route, json(201, { id: 11, name: '2', status: 'started' }));
    server.on('GET', '/api/v1/builds/11/events', events('succeeded'));
    const result = await run('check-resource-type', '-r', 'ci/my-type');
    assert.equal(result.stdout, 'checking ci/my-type in build 11\nsucceeded\n');
    assert.equal(result.exitCode, 0);
  });

  it('lists resource versions with limit 50 and sorted version pairs', async () => {
    server.on(
      'GET',
      `${R}/versions`,
      json(200, [
        { id: 3, version: { ref: 'c', branch: 'main' }, enabled: true },
        { id: 2, version: { ref: 'b' }, enabled: false },
      ]),
    );
    const result = await run('resource-versions', '-r', 'ci/repo', '--print-table-headers');
    const [req] = server.find('GET', `${R}/versions`).slice(-1);
    assert.equal(req!.url, `${R}/versions?limit=50`);
    assert.equal(
      result.stdout,
      'id  version            enabled\n3   branch:main,ref:c  yes    \n2   ref:b              no     \n',
    );
  });

  it('pins the newest version matching the filter and saves the comment', async () => {
    server.on(
      'GET',
      `${R}/versions`,
      json(200, [{ id: 7, version: { ref: 'abc' }, enabled: true }]),
    );
    server.on('PUT', `${R}/versions/7/pin`, text(200, ''));
    server.on('PUT', `${R}/pin_comment`, text(200, ''));
    const result = await run('pin-resource', '-r', 'ci/repo', '-v', 'ref:abc', '-c', 'hold it');
    const [lookup] = server.find('GET', `${R}/versions`).slice(-1);
    assert.equal(lookup!.url, `${R}/versions?filter=ref%3Aabc`);
    const [comment] = server.find('PUT', `${R}/pin_comment`);
    assert.equal(comment!.body, '{"pin_comment":"hold it"}\n');
    assert.equal(
      result.stdout,
      `pinned 'ci/repo' with version {"ref":"abc"}\npin comment 'hold it' is saved\n`,
    );
  });

  it('fails to pin when no version matches', async () => {
    server.on('GET', `${R}/versions`, json(200, []));
    const result = await run('pin-resource', '-r', 'ci/repo', '-v', 'ref:zzz');
    assert.equal(result.stderr, 'error: could not find version matching {"ref":"zzz"}\n');
    assert.equal(result.exitCode, 1);
  });

  it('unpins, and fails with fly text when the resource is unknown', async () => {
    server.on('PUT', `${R}/unpin`, text(200, ''));
    assert.equal((await run('unpin-resource', '-r', 'ci/repo')).stdout, "unpinned 'ci/repo'\n");
    server.on('PUT', `${R}/unpin`, json(404, { errors: [] }));
    const missing = await run('unpin-resource', '-r', 'ci/repo');
    assert.equal(missing.stderr, "could not find resource 'ci/repo'\n\n");
    assert.equal(missing.exitCode, 1);
  });

  it('skips the PUT when the version is already enabled', async () => {
    server.on(
      'GET',
      `${R}/versions`,
      json(200, [{ id: 7, version: { ref: 'abc' }, enabled: true }]),
    );
    const before = server.find('PUT', `${R}/versions/7/enable`).length;
    const result = await run('enable-resource-version', '-r', 'ci/repo', '-v', 'ref:abc');
    assert.equal(server.find('PUT', `${R}/versions/7/enable`).length, before);
    assert.equal(result.stdout, `enabled 'ci/repo' with version {"ref":"abc"}\n`);
  });

  it('disables an enabled version', async () => {
    server.on('PUT', `${R}/versions/7/disable`, text(200, ''));
    const result = await run('disable-resource-version', '-r', 'ci/repo', '-v', 'ref:abc');
    assert.equal(server.find('PUT', `${R}/versions/7/disable`).length, 1);
    assert.equal(result.stdout, `disabled 'ci/repo' with version {"ref":"abc"}\n`);
  });
});
