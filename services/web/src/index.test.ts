import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApi, PASSWORD, type TestApi } from './api/test-support.ts';
import { startWeb } from './index.ts';

describe('startWeb', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  it('seeds the main team, serves the API and stops cleanly', async () => {
    api.ctx.settings.mainTeamLocalUsers = ['admin', 'vic'];
    const web = await startWeb(api.ctx);
    try {
      const team = await api.pool.query("SELECT auth FROM teams WHERE name = 'main'");
      assert.deepEqual(team.rows[0].auth.owner.users, ['local:admin', 'local:vic']);

      const base = `http://127.0.0.1:${web.port}`;
      assert.equal((await fetch(`${base}/api/v1/info`)).status, 200);
      const login = await fetch(`${base}/sky/issuer/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `client_id=fly&client_secret=Zmx5&grant_type=password&username=vic&password=${PASSWORD}`,
      });
      const { access_token } = (await login.json()) as { access_token: string };
      const user = await fetch(`${base}/api/v1/user`, {
        headers: { Authorization: `Bearer ${access_token}` },
      });
      assert.equal(((await user.json()) as { is_admin: boolean }).is_admin, true);
    } finally {
      await web.close();
    }
  });
});
