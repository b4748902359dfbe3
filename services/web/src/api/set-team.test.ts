import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from './test-support.ts';

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const auth = (user: string) => JSON.stringify({ auth: { owner: { users: [user], groups: [] } } });

describe('set-team', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  it('lets an admin create a team with 201', async () => {
    const res = await api.request('/api/v1/teams/new-team', {
      method: 'PUT',
      as: 'admin',
      body: auth('local:Vic'),
      headers: JSON_HEADERS,
    });
    assert.equal(res.status, 201);
    const body = (await res.json()) as { team: { name: string; auth: unknown } };
    assert.equal(body.team.name, 'new-team');
    assert.deepEqual(body.team.auth, { owner: { users: ['local:vic'], groups: [] } });
    const user = (await (await api.request('/api/v1/user', { as: 'vic' })).json()) as {
      teams: Record<string, string[]>;
    };
    assert.deepEqual(user.teams['new-team'], ['owner']);
  });

  it('lets an owner update their team with 200', async () => {
    const res = await api.request('/api/v1/teams/new-team', {
      method: 'PUT',
      as: 'vic',
      body: auth('local:vic'),
      headers: JSON_HEADERS,
    });
    assert.equal(res.status, 200);
  });

  it('forbids creating a team without being an admin', async () => {
    const res = await api.request('/api/v1/teams/mine', {
      method: 'PUT',
      as: 'olive',
      body: auth('local:olive'),
      headers: JSON_HEADERS,
    });
    assert.equal(res.status, 403);
  });

  it('rejects auth with a role that has no users and no groups', async () => {
    const res = await api.request('/api/v1/teams/new-team', {
      method: 'PUT',
      as: 'admin',
      body: JSON.stringify({ auth: { owner: { users: [], groups: [] } } }),
      headers: JSON_HEADERS,
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { errors: ["role 'owner' has no users and no groups"] });
  });
});
