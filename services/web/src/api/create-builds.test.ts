import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setPipeline, startTestApi, type TestApi } from './test-support.ts';

const P = '/api/v1/teams/main/pipelines/ci';
const J = `${P}/jobs/unit`;
const JSON_HEADERS = { 'Content-Type': 'application/json' };

describe('reruns and one-off builds', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
    await setPipeline(api, P);
  });
  after(() => api.close());

  it('reruns a build as a pending <name>.<k> build that points at the original', async () => {
    const first = (await (
      await api.request(`${J}/builds`, { method: 'POST', as: 'admin' })
    ).json()) as {
      id: number;
    };
    const missingInputs = await api.request(`${J}/builds/1`, { method: 'POST', as: 'admin' });
    assert.equal(missingInputs.status, 500);

    await api.pool.query(`UPDATE builds SET inputs = '[]', status = 'succeeded' WHERE id = $1`, [
      first.id,
    ]);
    const rerun = await api.request(`${J}/builds/1`, { method: 'POST', as: 'admin' });
    assert.equal(rerun.status, 200);
    const body = (await rerun.json()) as Record<string, unknown>;
    assert.equal(body.name, '1.1');
    assert.equal(body.status, 'pending');
    assert.equal(body.rerun_number, 1);
    assert.deepEqual(body.rerun_of, { id: first.id, name: '1' });

    const again = (await (
      await api.request(`${J}/builds/1`, { method: 'POST', as: 'admin' })
    ).json()) as {
      name: string;
    };
    assert.equal(again.name, '1.2');
    assert.equal((await api.request(`${J}/builds/9`, { method: 'POST', as: 'admin' })).status, 404);
  });

  it('creates a started one-off build from a plan for fly execute', async () => {
    const plan = {
      id: '1',
      do: [{ id: '2', task: { name: 'one-off', privileged: false, hermetic: false } }],
    };
    const res = await api.request('/api/v1/teams/main/builds', {
      method: 'POST',
      as: 'admin',
      body: JSON.stringify(plan),
      headers: JSON_HEADERS,
    });
    assert.equal(res.status, 201);
    const build = (await res.json()) as Record<string, unknown>;
    assert.equal(build.status, 'started');
    assert.equal(build.job_name, undefined);
    const stored = await api.pool.query('SELECT plan FROM builds WHERE id = $1', [build.id]);
    assert.deepEqual(stored.rows[0].plan, plan);

    const artifacts = await api.request(`/api/v1/builds/${build.id}/artifacts`, { as: 'admin' });
    assert.deepEqual(await artifacts.json(), []);
  });

  it('creates a one-off build against a pipeline', async () => {
    const res = await api.request(`${P}/builds`, {
      method: 'POST',
      as: 'admin',
      body: JSON.stringify({
        id: '1',
        task: { name: 'one-off', privileged: false, hermetic: false },
      }),
      headers: JSON_HEADERS,
    });
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as { pipeline_name: string }).pipeline_name, 'ci');
  });

  it('rejects a plan that is not an object', async () => {
    const res = await api.request('/api/v1/teams/main/builds', {
      method: 'POST',
      as: 'admin',
      body: '[1]',
      headers: JSON_HEADERS,
    });
    assert.equal(res.status, 400);
  });
});
