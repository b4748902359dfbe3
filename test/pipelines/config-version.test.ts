// The config version guards concurrent saves the way Concourse's does: the version read with GET
// config must still be current when the PUT arrives, otherwise the save fails with Concourse's 500.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPipelineWeb, type PipelineWeb } from './support/web.ts';

const MISMATCH = 'failed to save config: comparison with existing config failed during save';

const config = (message: string) => `jobs:
- name: say
  plan:
  - task: echo
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run: {path: echo, args: [${JSON.stringify(message)}]}
`;

describe('config version', () => {
  let web: PipelineWeb;
  before(async () => {
    web = await startPipelineWeb();
  });
  after(() => web?.close());

  const configPath = (name: string) => `/api/v1/teams/main/pipelines/${name}/config`;

  const put = (name: string, body: string, version: string) =>
    web.api(configPath(name), {
      method: 'PUT',
      body,
      headers: { 'Content-Type': 'application/x-yaml', 'X-Concourse-Config-Version': version },
    });

  const currentVersion = async (name: string) => {
    const response = await web.api(configPath(name));
    assert.equal(response.status, 200);
    return response.headers.get('x-concourse-config-version')!;
  };

  it('returns a new, larger version on every save and accepts it back', async () => {
    assert.equal((await put('versioned', config('one'), '')).status, 201);
    const first = await currentVersion('versioned');
    assert.match(first, /^\d+$/);

    assert.equal((await put('versioned', config('two'), first)).status, 200);
    const second = await currentVersion('versioned');
    assert.ok(BigInt(second) > BigInt(first), `${second} is not after ${first}`);

    const body = (await (await web.api(configPath('versioned'))).json()) as {
      config: { jobs: Array<{ plan: Array<{ config: { run: { args: string[] } } }> }> };
    };
    assert.deepEqual(body.config.jobs[0]!.plan[0]!.config.run.args, ['two']);
  });

  it('refuses a save based on a stale version with the text Concourse sends', async () => {
    assert.equal((await put('stale', config('one'), '')).status, 201);
    const read = await currentVersion('stale');
    assert.equal((await put('stale', config('two'), read)).status, 200);

    const late = await put('stale', config('three'), read);
    assert.equal(late.status, 500);
    assert.equal(await late.text(), MISMATCH);

    const empty = await put('stale', config('four'), '');
    assert.equal(empty.status, 500, 'an existing pipeline needs its current version');
  });

  it('lets exactly one of two racing saves with the same version win', async () => {
    assert.equal((await put('raced', config('base'), '')).status, 201);
    const read = await currentVersion('raced');

    const results = await Promise.all([
      put('raced', config('left'), read),
      put('raced', config('right'), read),
    ]);
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 500]);
    const loser = results.find((r) => r.status === 500)!;
    assert.equal(await loser.text(), MISMATCH);
  });

  it('lets exactly one of two racing creations win', async () => {
    const results = await Promise.all([
      put('born-twice', config('left'), ''),
      put('born-twice', config('right'), ''),
    ]);
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 500]);
    const loser = results.find((r) => r.status === 500)!;
    assert.equal(await loser.text(), MISMATCH);
  });

  it('rejects a malformed version header', async () => {
    const response = await put('malformed', config('x'), 'abc');
    assert.equal(response.status, 400);
    const body = (await response.json()) as { errors: string[] };
    assert.match(body.errors[0]!, /^config version is malformed/);
  });

  it('sets an archived pipeline again with fly, which unarchives it paused', async () => {
    assert.equal((await put('archived', config('one'), '')).status, 201);
    const archive = await web.api('/api/v1/teams/main/pipelines/archived/archive', {
      method: 'PUT',
    });
    assert.equal(archive.status, 200);
    assert.equal((await web.api(configPath('archived'))).status, 404);

    const path = join(await mkdtemp(join(tmpdir(), 'jb-archived-')), 'pipeline.yml');
    await writeFile(path, config('two'));
    const set = await web.fly('set-pipeline', '-n', '-p', 'archived', '-c', path);
    assert.equal(set.exitCode, 0, set.stderr);
    const listed = (await (await web.api('/api/v1/teams/main/pipelines/archived')).json()) as {
      archived: boolean;
      paused: boolean;
    };
    assert.equal(listed.archived, false);
    assert.equal(listed.paused, true);
  });
});
