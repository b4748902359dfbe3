import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setPipeline, startTestApi, type TestApi } from './test-support.ts';

const C = '/api/v1/teams/main/containers';

describe('containers', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
    await setPipeline(api, '/api/v1/teams/main/pipelines/ci');
    const build = await api.request('/api/v1/teams/main/pipelines/ci/jobs/unit/builds', {
      method: 'POST',
      as: 'admin',
    });
    const buildId = ((await build.json()) as { id: number }).id;
    await api.pool.query(
      `INSERT INTO containers (handle, pod_name, team_id, build_id, type, step_name, attempt,
         state, worker_name, user_name, working_directory)
       SELECT h, 'pod-' || h, t.id, $1, type, step, '1', 'created', 'k8s-ci', 'root', '/tmp/build'
       FROM teams t, (VALUES ('h-task', 'task', 'test'), ('h-get', 'get', 'repo')) AS v(h, type, step)
       WHERE t.name = 'main'`,
      [buildId],
    );
  });
  after(() => api.close());

  it('lists the team containers with their build, job and pipeline names', async () => {
    const res = await api.request(C, { as: 'admin' });
    const list = (await res.json()) as Array<Record<string, unknown>>;
    assert.equal(list.length, 2);
    const task = list.find((c) => c.id === 'h-task')!;
    assert.equal(task.job_name, 'unit');
    assert.equal(task.pipeline_name, 'ci');
    assert.equal(task.build_name, '1');
    assert.equal(task.state, 'created');
    assert.equal(task.working_directory, '/tmp/build');
  });

  it('filters the way fly hijack asks', async () => {
    const query = 'pipeline_name=ci&job_name=unit&build_name=1&step_name=test&type=task';
    const list = (await (await api.request(`${C}?${query}`, { as: 'admin' })).json()) as Array<{
      id: string;
    }>;
    assert.deepEqual(
      list.map((c) => c.id),
      ['h-task'],
    );
    const bad = await api.request(`${C}?build_id=x`, { as: 'admin' });
    assert.equal(bad.status, 400);
  });

  it('answers a search for check containers with the newest one of each resource', async () => {
    await api.pool.query(
      `INSERT INTO containers (handle, pod_name, team_id, pipeline_id, resource_id, type, state,
         worker_name, created_at, step_name)
       SELECT h, 'chk-' || h, t.id, r.pipeline_id, r.id, 'check', 'created', 'k8s-ci', now() - age,
         r.name
       FROM teams t, resources r,
         (VALUES ('h-chk-old', interval '5 minutes'), ('h-chk-new', interval '1 minute')) AS v(h, age)
       WHERE t.name = 'main' AND r.name = 'repo'`,
    );
    const query = 'type=check&pipeline_name=ci&resource_name=repo';
    const list = (await (await api.request(`${C}?${query}`, { as: 'admin' })).json()) as Array<{
      id: string;
      step_name?: string;
      resource_name?: string;
    }>;
    // fly shows step_name and resource_name side by side: the resource's name once.
    assert.deepEqual(
      list.map((c) => [c.id, c.step_name, c.resource_name]),
      [['h-chk-new', undefined, 'repo']],
    );
  });

  it('leaves out containers whose pod the reaper found gone', async () => {
    await api.pool.query(
      `INSERT INTO containers (handle, pod_name, team_id, type, state, worker_name, missing_since)
       SELECT 'h-gone', 'gone', t.id, 'task', 'created', 'k8s-ci', now()
       FROM teams t WHERE t.name = 'main'`,
    );
    const list = (await (await api.request(C, { as: 'admin' })).json()) as Array<{ id: string }>;
    assert.ok(list.length > 0);
    assert.ok(!list.some((c) => c.id === 'h-gone'));
  });

  it("offers a resource's newest check container whose pod is still there", async () => {
    // The newest check pod was evicted (the reaper marked it missing); an older one still runs.
    await api.pool.query(
      `INSERT INTO containers (handle, pod_name, team_id, pipeline_id, resource_id, type, state,
         worker_name, created_at, step_name, missing_since)
       SELECT h, 'chk-' || h, t.id, r.pipeline_id, r.id, 'check', 'created', 'k8s-ci', now() - age,
         r.name, gone
       FROM teams t, resources r,
         (VALUES ('h-chk-alive', interval '30 seconds', NULL::timestamptz),
                 ('h-chk-gone', interval '10 seconds', now())) AS v(h, age, gone)
       WHERE t.name = 'main' AND r.name = 'repo'`,
    );
    const query = 'type=check&pipeline_name=ci&resource_name=repo';
    const list = (await (await api.request(`${C}?${query}`, { as: 'admin' })).json()) as Array<{
      id: string;
    }>;
    assert.deepEqual(
      list.map((c) => c.id),
      ['h-chk-alive'],
    );
  });

  it('gets one container by handle and 404s for others', async () => {
    const res = await api.request(`${C}/h-get`, { as: 'admin' });
    assert.equal(((await res.json()) as { type: string }).type, 'get');
    assert.equal((await api.request(`${C}/nope`, { as: 'admin' })).status, 404);
  });
});
