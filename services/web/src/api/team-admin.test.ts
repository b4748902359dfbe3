import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setPipeline, startTestApi, type TestApi } from './test-support.ts';

const JSON_BODY = { 'Content-Type': 'application/json' };

describe('rename-team and destroy-team', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  const rename = (team: string, name: string, as: string) =>
    api.request(`/api/v1/teams/${team}/rename`, {
      method: 'PUT',
      as,
      headers: JSON_BODY,
      body: JSON.stringify({ name }),
    });

  it('lets an owner rename the team, keeping its pipelines and members', async () => {
    assert.equal(
      (await setPipeline(api, '/api/v1/teams/t/pipelines/p', undefined, '', 'olive')).status,
      201,
    );
    const res = await rename('t', 'renamed', 'olive');
    assert.equal(res.status, 200);

    const pipelines = await api.request('/api/v1/teams/renamed/pipelines', { as: 'vic' });
    assert.deepEqual(
      ((await pipelines.json()) as Array<{ name: string; team_name: string }>).map((p) => [
        p.name,
        p.team_name,
      ]),
      [['p', 'renamed']],
    );
    const gone = await api.request('/api/v1/teams/t', { as: 'admin' });
    assert.equal(gone.status, 404);
    assert.equal((await rename('renamed', 't', 'olive')).status, 200);
  });

  it('refuses a member, a taken name and an invalid name', async () => {
    assert.equal((await rename('t', 'x', 'mia')).status, 403);

    const taken = await rename('t', 'other', 'admin');
    assert.equal(taken.status, 409);
    assert.match(await taken.text(), /team 'other' already exists/);

    const invalid = await rename('t', '', 'admin');
    assert.equal(invalid.status, 400);
  });

  it('keeps the admin team an admin team when it is renamed', async () => {
    assert.equal((await rename('main', 'ops', 'admin')).status, 200);
    const user = await api.request('/api/v1/user', { as: 'admin' });
    const info = (await user.json()) as { is_admin: boolean; teams: Record<string, string[]> };
    assert.equal(info.is_admin, true);
    assert.deepEqual(info.teams, { ops: ['owner'] });
    assert.equal((await rename('ops', 'main', 'admin')).status, 200);
  });

  it('lets only an admin destroy a team, with everything in it', async () => {
    const asOwner = await api.request('/api/v1/teams/t', { method: 'DELETE', as: 'olive' });
    assert.equal(asOwner.status, 403);

    const res = await api.request('/api/v1/teams/t', { method: 'DELETE', as: 'admin' });
    assert.equal(res.status, 204);
    const left = await api.pool.query("SELECT count(*)::int AS n FROM pipelines WHERE name = 'p'");
    assert.equal(left.rows[0].n, 0);

    const again = await api.request('/api/v1/teams/t', { method: 'DELETE', as: 'admin' });
    assert.equal(again.status, 404);
  });

  it('refuses to destroy the last admin team', async () => {
    const res = await api.request('/api/v1/teams/main', { method: 'DELETE', as: 'admin' });
    assert.equal(res.status, 403);
    assert.equal(await res.text(), 'forbidden');
  });
});
