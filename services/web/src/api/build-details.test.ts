import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setPipeline, startTestApi, type TestApi } from './test-support.ts';

const P = '/api/v1/teams/t/pipelines/ci';

describe('a build: comment, preparation and resources', () => {
  let api: TestApi;
  let buildId: number;
  before(async () => {
    api = await startTestApi();
    assert.equal((await setPipeline(api, P)).status, 201);
    const res = await api.request(`${P}/jobs/unit/builds`, { method: 'POST', as: 'pete' });
    buildId = ((await res.json()) as { id: number }).id;
  });
  after(() => api.close());

  function comment(body: string, as = 'pete') {
    return api.request(`/api/v1/builds/${buildId}/comment`, {
      method: 'PUT',
      as,
      body,
      headers: { 'Content-Type': 'application/json' },
    });
  }

  it('sets the comment a pipeline operator writes, and clears it', async () => {
    assert.equal((await comment('{"comment":"flaky network, rerun"}')).status, 200);
    const build = (await (
      await api.request(`/api/v1/builds/${buildId}`, { as: 'vic' })
    ).json()) as {
      comment?: string;
    };
    assert.equal(build.comment, 'flaky network, rerun');

    assert.equal((await comment('{}')).status, 200);
    const cleared = (await (
      await api.request(`/api/v1/builds/${buildId}`, { as: 'vic' })
    ).json()) as Record<string, unknown>;
    assert.equal('comment' in cleared, false);
  });

  it('refuses a comment from a viewer, a body that is not JSON, and a comment that is no string', async () => {
    assert.equal((await comment('{"comment":"x"}', 'vic')).status, 403);
    assert.equal((await comment('not json')).status, 400);
    assert.equal((await comment('{"comment":42}')).status, 400);
    assert.equal((await comment('["comment"]')).status, 400);
    const missing = await api.request('/api/v1/builds/999999/comment', {
      method: 'PUT',
      as: 'admin',
      body: '{"comment":"x"}',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(missing.status, 404);
  });

  it('requested a check of the job’s inputs when it was triggered', async () => {
    const checks = await api.pool.query(
      `SELECT b.status, b.plan FROM builds b JOIN resources r ON r.id = b.resource_id
       WHERE r.name = 'repo'`,
    );
    assert.equal(checks.rowCount, 1);
    assert.equal(checks.rows[0].status, 'pending');
  });

  it('shows what keeps a pending build from starting', async () => {
    const res = await api.request(`/api/v1/builds/${buildId}/preparation`, { as: 'vic' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      build_id: buildId,
      paused_pipeline: 'blocking',
      paused_job: 'not_blocking',
      max_running_builds: 'not_blocking',
      inputs: { repo: 'blocking' },
      inputs_satisfied: 'blocking',
      missing_input_reasons: { repo: 'checking for latest available versions' },
    });
  });

  it('lists the versions a job build got and put', async () => {
    const ids = await api.pool.query<{ resource_id: number; version_id: number }>(
      `INSERT INTO resource_versions (resource_id, config_hash, version, version_sha256)
       SELECT id, config_hash, '{"version":"v1"}', 'v1' FROM resources WHERE name = 'repo'
       RETURNING resource_id, id AS version_id`,
    );
    const { resource_id, version_id } = ids.rows[0]!;
    await api.pool.query(`UPDATE builds SET status = 'succeeded', inputs = $2 WHERE id = $1`, [
      buildId,
      JSON.stringify([
        {
          name: 'repo',
          resource_id,
          version: { version: 'v1' },
          version_id,
          first_occurrence: true,
        },
      ]),
    ]);
    await api.pool.query(
      `INSERT INTO build_resource_versions (build_id, resource_id, version_id, name, is_input)
       VALUES ($1, $2, $3, 'repo', true), ($1, $2, $3, 'push-repo', false)`,
      [buildId, resource_id, version_id],
    );

    const res = await api.request(`/api/v1/builds/${buildId}/resources`, { as: 'vic' });

    assert.equal(res.status, 200);
    const pipelineId = ((await (await api.request(P, { as: 'vic' })).json()) as { id: number }).id;
    assert.deepEqual(await res.json(), {
      inputs: [
        {
          name: 'repo',
          version: { version: 'v1' },
          pipeline_id: pipelineId,
          first_occurrence: true,
        },
      ],
      outputs: [{ name: 'push-repo', version: { version: 'v1' } }],
    });
    const finished = await api.request(`/api/v1/builds/${buildId}/preparation`, { as: 'vic' });
    assert.equal(
      ((await finished.json()) as { inputs_satisfied: string }).inputs_satisfied,
      'not_blocking',
    );
  });

  it('gives a one-off build no resources', async () => {
    const oneOff = await api.pool.query<{ id: number }>(
      `INSERT INTO builds (team_id, name, status) SELECT id, 'x', 'succeeded' FROM teams
       WHERE name = 't' RETURNING id`,
    );
    const res = await api.request(`/api/v1/builds/${oneOff.rows[0]!.id}/resources`, { as: 'vic' });
    assert.deepEqual(await res.json(), { inputs: [], outputs: [] });
  });
});
