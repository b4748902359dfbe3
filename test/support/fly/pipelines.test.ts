import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fly } from './index.ts';
import { FakeConcourse, flyHome, json, text } from './fake-concourse.ts';

describe('fly pipeline commands', () => {
  const server = new FakeConcourse();
  let home = '';

  before(async () => {
    home = await flyHome(await server.start());
  });
  after(() => server.stop());

  it('escapes names with spaces, percent signs and unicode once', async () => {
    server.on('PUT', '/api/v1/teams/main/pipelines/a%20b%C3%A9+c/pause', text(200, ''));
    const result = await fly(['-t', 'test', 'pause-pipeline', '-p', 'a bé+c'], { home });
    assert.equal(result.stdout, "paused 'a bé+c'\n");
    assert.equal(result.exitCode, 0);
  });

  it('reports a missing pipeline on unpause', async () => {
    const result = await fly(['-t', 'test', 'unpause-pipeline', '-p', 'nope'], { home });
    assert.equal(result.stderr, "error: pipeline 'nope' not found\n");
    assert.equal(result.exitCode, 1);
  });

  it('lists jobs with their build statuses', async () => {
    server.on(
      'GET',
      '/api/v1/teams/main/pipelines/ci/jobs',
      json(200, [
        { name: 'unit', paused: false, finished_build: { status: 'succeeded' } },
        { name: 'deploy-long', paused: true, next_build: { status: 'pending' } },
      ]),
    );
    const result = await fly(['-t', 'test', 'jobs', '-p', 'ci'], { home });
    assert.equal(
      result.stdout,
      'unit         no   succeeded  n/a    \ndeploy-long  yes  n/a        pending\n',
    );
  });

  it('tells the user to log in when the token is rejected', async () => {
    const other = new FakeConcourse();
    other.on('GET', '/api/v1/info', text(401, 'not authorized'));
    const otherHome = await flyHome(await other.start());
    try {
      const result = await fly(['-t', 'test', 'pipelines'], { home: otherHome });
      assert.equal(
        result.stderr,
        'not authorized. run the following to log in:\n\n    fly -t test login\n\n',
      );
      assert.equal(result.exitCode, 1);
    } finally {
      await other.stop();
    }
  });
});
