import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setPipeline, startTestApi, type TestApi } from './test-support.ts';

describe('volumes', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
    await setPipeline(api, '/api/v1/teams/main/pipelines/ci');
    await api.pool.query(
      `INSERT INTO task_caches (team_id, job_id, step_name, path, store_key)
       SELECT t.id, j.id, 'test', 'node_modules', 'team-1-cache'
       FROM teams t, jobs j WHERE t.name = 'main' AND j.name = 'unit'`,
    );
    await api.pool.query(
      `INSERT INTO artifacts (team_id, name, store_key)
       SELECT id, 'out', 'upload-1' FROM teams WHERE name = 'main'`,
    );
  });
  after(() => api.close());

  it('lists the team task caches and artifacts as Concourse volumes', async () => {
    const res = await api.request('/api/v1/teams/main/volumes', { as: 'admin' });
    assert.equal(res.status, 200);
    const volumes = (await res.json()) as Array<Record<string, unknown>>;
    const cache = volumes.find((v) => v.type === 'task-cache')!;
    assert.equal(cache.id, 'team-1-cache');
    assert.equal(cache.pipeline_name, 'ci');
    assert.equal(cache.job_name, 'unit');
    assert.equal(cache.step_name, 'test');
    assert.equal(cache.path, 'node_modules');
    assert.match(String(cache.worker_name), /^k8s-/);
    const artifact = volumes.find((v) => v.type === 'artifact')!;
    assert.equal(artifact.id, 'upload-1');
  });

  it('needs a role on the team', async () => {
    const res = await api.request('/api/v1/teams/main/volumes');
    assert.equal(res.status, 401);
  });
});
