import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { componentNames, componentRecorder } from '../components/index.ts';
import { setPipeline, startTestApi, type TestApi } from './test-support.ts';

describe('cluster-wide lists: jobs, resources, components, credential managers', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
    assert.equal((await setPipeline(api, '/api/v1/teams/t/pipelines/private')).status, 201);
    assert.equal((await setPipeline(api, '/api/v1/teams/other/pipelines/shown')).status, 201);
    assert.equal((await setPipeline(api, '/api/v1/teams/other/pipelines/hidden')).status, 201);
    await api.pool.query("UPDATE pipelines SET public = true WHERE name = 'shown'");
  });
  after(() => api.close());

  async function list(path: string, as?: string) {
    const res = await api.request(path, as ? { as } : {});
    assert.equal(res.status, 200);
    return (await res.json()) as Array<{ pipeline_name: string; name: string; team_name: string }>;
  }

  const names = (items: Array<{ pipeline_name: string; name: string }>) =>
    items.map((i) => `${i.pipeline_name}/${i.name}`);

  it('lists the jobs of public pipelines and of the caller’s teams', async () => {
    assert.deepEqual(names(await list('/api/v1/jobs')), ['shown/unit']);
    assert.deepEqual(names(await list('/api/v1/jobs', 'vic')), ['shown/unit', 'private/unit']);
    assert.deepEqual(names(await list('/api/v1/jobs', 'admin')), [
      'shown/unit',
      'hidden/unit',
      'private/unit',
    ]);
    const [job] = await list('/api/v1/jobs', 'vic');
    assert.equal(job!.team_name, 'other');
  });

  it('lists the resources of public pipelines and of the caller’s teams', async () => {
    assert.deepEqual(names(await list('/api/v1/resources')), ['shown/repo']);
    assert.deepEqual(names(await list('/api/v1/resources', 'vic')).sort(), [
      'private/repo',
      'shown/repo',
    ]);
    assert.equal((await list('/api/v1/resources', 'admin')).length, 3);
  });

  it('shows a resource’s last check build', async () => {
    const check = await api.request('/api/v1/teams/t/pipelines/private/resources/repo/check', {
      method: 'POST',
      as: 'pete',
      body: '{"from":null,"shallow":true}',
      headers: { 'Content-Type': 'application/json' },
    });
    const build = (await check.json()) as { id: number };
    await api.pool.query(
      "UPDATE resources SET last_check_build_id = $1 WHERE name = 'repo' AND pipeline_id = (SELECT id FROM pipelines WHERE name = 'private')",
      [build.id],
    );
    const resource = (await (
      await api.request('/api/v1/teams/t/pipelines/private/resources/repo', { as: 'vic' })
    ).json()) as { build: { id: number; status: string; resource_name: string } };
    assert.equal(resource.build.id, build.id);
    assert.equal(resource.build.status, 'pending');
    assert.equal(resource.build.resource_name, 'repo');
  });

  it('shows the components to an admin with interval and last run', async () => {
    const before = await api.request('/api/v1/components', { as: 'admin' });
    assert.deepEqual(await before.json(), []);
    await componentRecorder(api.pool, componentNames.scheduler, 3000)();

    const res = await api.request('/api/v1/components', { as: 'admin' });
    const [component] = (await res.json()) as Array<Record<string, unknown>>;
    assert.equal(component!.name, 'scheduler');
    assert.equal(component!.interval, 3_000_000_000);
    assert.equal(component!.paused, false);
    assert.ok(Date.now() - Date.parse(component!.last_ran as string) < 60_000);
    assert.equal((await api.request('/api/v1/components', { as: 'olive' })).status, 403);
  });

  it('tells an admin that no credential manager is configured', async () => {
    const res = await api.request('/api/v1/info/creds', { as: 'admin' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '{}\n');
    assert.equal((await api.request('/api/v1/info/creds')).status, 401);
    assert.equal((await api.request('/api/v1/info/creds', { as: 'olive' })).status, 403);
  });
});
