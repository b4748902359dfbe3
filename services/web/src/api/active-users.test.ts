import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, type TestApi } from './test-support.ts';

describe('active users', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  it('lists everyone who logged in, once each, for an admin', async () => {
    await api.auth('vic');
    await api.auth('mia');
    const res = await api.request('/api/v1/users', { as: 'admin' });
    assert.equal(res.status, 200);
    const users = (await res.json()) as Array<{
      username: string;
      connector: string;
      last_login: number;
    }>;
    assert.deepEqual(users.map((u) => u.username).sort(), ['admin', 'mia', 'vic']);
    assert.ok(users.every((u) => u.connector === 'local' && u.last_login > 0));
  });

  it('leaves out users whose last login is before `since`, and refuses a bad date', async () => {
    const future = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const res = await api.request(`/api/v1/users?since=${future}`, { as: 'admin' });
    assert.deepEqual(await res.json(), []);
    const bad = await api.request('/api/v1/users?since=yesterday', { as: 'admin' });
    assert.equal(bad.status, 400);
  });

  it('sweeps expired tokens when someone logs in', async () => {
    await api.pool.query("UPDATE access_tokens SET expires_at = now() - interval '1 minute'");
    await api.auth('olive');
    const left = await api.pool.query('SELECT count(*)::int AS n FROM access_tokens');
    assert.equal(left.rows[0].n, 1);
  });
});
