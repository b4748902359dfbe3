import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setPipeline, startTestApi, type TestApi } from './test-support.ts';

const R = '/api/v1/teams/main/pipelines/ci/resources/repo';

describe('resources', () => {
  let api: TestApi;
  const ids: number[] = [];
  before(async () => {
    api = await startTestApi();
    await setPipeline(api, '/api/v1/teams/main/pipelines/ci');
    for (const [i, ref] of ['a', 'b', 'c'].entries()) {
      const row = await api.pool.query(
        `INSERT INTO resource_versions (resource_id, config_hash, version, version_sha256,
           metadata, check_order)
         SELECT id, config_hash, $1, $2, '[{"name":"n","value":"v"}]', $3 FROM resources
         WHERE name = 'repo' RETURNING id`,
        [JSON.stringify({ ref, branch: 'main' }), ref, i + 1],
      );
      ids.push(row.rows[0].id);
    }
  });
  after(() => api.close());

  it('lists resources of the pipeline', async () => {
    const res = await api.request('/api/v1/teams/main/pipelines/ci/resources', { as: 'admin' });
    const list = (await res.json()) as Array<Record<string, unknown>>;
    assert.deepEqual(list, [
      {
        name: 'repo',
        pipeline_id: list[0]!.pipeline_id,
        pipeline_name: 'ci',
        team_name: 'main',
        type: 'mock',
      },
    ]);
  });

  it('lists versions newest first, filtered by key:value', async () => {
    const all = (await (
      await api.request(`${R}/versions?limit=50`, { as: 'admin' })
    ).json()) as Array<{
      id: number;
      version: { ref: string };
      enabled: boolean;
      metadata: unknown;
    }>;
    assert.deepEqual(
      all.map((v) => v.version.ref),
      ['c', 'b', 'a'],
    );
    assert.deepEqual(all[0]!.metadata, [{ name: 'n', value: 'v' }]);
    const filtered = (await (
      await api.request(`${R}/versions?filter=ref:b`, { as: 'admin' })
    ).json()) as Array<{
      id: number;
    }>;
    assert.deepEqual(
      filtered.map((v) => v.id),
      [ids[1]],
    );
  });

  it('pins a version, comments on the pin and unpins it', async () => {
    const pin = await api.request(`${R}/versions/${ids[0]}/pin`, { method: 'PUT', as: 'admin' });
    assert.equal(pin.status, 200);
    await api.request(`${R}/pin_comment`, {
      method: 'PUT',
      as: 'admin',
      body: JSON.stringify({ pin_comment: 'hold' }),
      headers: { 'Content-Type': 'application/json' },
    });
    const pinned = (await (await api.request(R, { as: 'admin' })).json()) as Record<
      string,
      unknown
    >;
    assert.deepEqual(pinned.pinned_version, { ref: 'a', branch: 'main' });
    assert.equal(pinned.pin_comment, 'hold');

    await api.request(`${R}/unpin`, { method: 'PUT', as: 'admin' });
    const unpinned = (await (await api.request(R, { as: 'admin' })).json()) as Record<
      string,
      unknown
    >;
    assert.equal(unpinned.pinned_version, undefined);
  });

  it('disables and enables a version', async () => {
    await api.request(`${R}/versions/${ids[2]}/disable`, { method: 'PUT', as: 'admin' });
    const row = await api.pool.query('SELECT enabled FROM resource_versions WHERE id = $1', [
      ids[2],
    ]);
    assert.equal(row.rows[0].enabled, false);
    await api.request(`${R}/versions/${ids[2]}/enable`, { method: 'PUT', as: 'admin' });
    const again = await api.pool.query('SELECT enabled FROM resource_versions WHERE id = $1', [
      ids[2],
    ]);
    assert.equal(again.rows[0].enabled, true);
  });

  it('queues a check as a pending build of the resource', async () => {
    const res = await api.request(`${R}/check`, {
      method: 'POST',
      as: 'admin',
      body: JSON.stringify({ from: { ref: 'b' }, shallow: false }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res.status, 201);
    const build = (await res.json()) as Record<string, unknown>;
    assert.equal(build.resource_name, 'repo');
    assert.equal(build.job_name, undefined);
    assert.equal(build.status, 'pending');
    const row = await api.pool.query('SELECT resource_id, plan FROM builds WHERE id = $1', [
      build.id,
    ]);
    assert.ok(row.rows[0].resource_id > 0);
    assert.deepEqual(row.rows[0].plan.check.from_version, { ref: 'b' });
  });

  it('keeps check builds out of the build lists, so fly watch never picks one', async () => {
    const res = await api.request(`${R}/check`, {
      method: 'POST',
      as: 'admin',
      body: JSON.stringify({ from: null, shallow: false }),
      headers: { 'Content-Type': 'application/json' },
    });
    const check = (await res.json()) as { id: number };
    for (const path of [
      '/api/v1/builds',
      '/api/v1/teams/main/builds',
      '/api/v1/teams/main/pipelines/ci/builds',
    ]) {
      const list = (await (await api.request(path, { as: 'admin' })).json()) as { id: number }[];
      assert.ok(!list.some((b) => b.id === check.id), `${path} lists the check build`);
    }
    const direct = await api.request(`/api/v1/builds/${check.id}`, { as: 'admin' });
    assert.equal(direct.status, 200);
  });

  it('answers 404 for an unknown resource', async () => {
    const res = await api.request('/api/v1/teams/main/pipelines/ci/resources/nope/check', {
      method: 'POST',
      as: 'admin',
      body: '{}',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res.status, 404);
  });
});
