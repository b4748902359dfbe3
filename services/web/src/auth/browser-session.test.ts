import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, setPipeline, startTestApi, type TestApi } from '../api/test-support.ts';
import { csrfTokenFor } from './browser-session.ts';

describe('the browser session cookie and its CSRF token', () => {
  let api: TestApi;
  let cookie: string;
  let csrf: string;

  before(async () => {
    api = await startTestApi();
    assert.equal((await setPipeline(api, '/api/v1/teams/t/pipelines/p')).status, 201);
    const login = await api.request('/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `username=mia&password=${PASSWORD}`,
    });
    assert.equal(login.status, 302);
    const cookies = Object.fromEntries(
      login.headers.getSetCookie().map((c) => {
        const pair = c.split(';')[0]!;
        const eq = pair.indexOf('=');
        return [pair.slice(0, eq), pair.slice(eq + 1)];
      }),
    );
    cookie = `skymarshal_auth=${cookies.skymarshal_auth}`;
    csrf = cookies.skymarshal_csrf!;
  });
  after(() => api.close());

  const pause = (headers: Record<string, string>) =>
    api.request('/api/v1/teams/t/pipelines/p/pause', { method: 'PUT', headers });

  it('authenticates reads with the cookie alone', async () => {
    const res = await api.request('/api/v1/user', { headers: { Cookie: cookie } });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { teams: unknown }).teams, { t: ['member'] });
  });

  it('rejects a state-changing request without the CSRF token, or with a forged one', async () => {
    const refused = await pause({ Cookie: cookie });
    assert.equal(refused.status, 401);
    assert.deepEqual(
      refused.headers.getSetCookie().map((c) => c.split(';')[0]),
      ['skymarshal_auth=', 'skymarshal_csrf='],
    );
    const token = /bearer ([^"]+)/.exec(cookie)![1]!;
    const otherKey = Buffer.alloc(32, 7);
    assert.equal(
      (await pause({ Cookie: cookie, 'X-Csrf-Token': csrfTokenFor(otherKey, token) })).status,
      401,
    );
    assert.equal((await pause({ Cookie: cookie, 'X-Csrf-Token': csrf })).status, 200);
  });

  it('signs the CSRF token with the key the database keeps when no key file is given', async () => {
    const stored = await api.pool.query<{ key: Buffer }>('SELECT key FROM session_signing_keys');
    assert.equal(stored.rows.length, 1);
    const token = /bearer ([^"]+)/.exec(cookie)![1]!;
    assert.equal(csrf, csrfTokenFor(stored.rows[0]!.key, token));
  });

  it('needs no CSRF token from fly, which sends its token in a header', async () => {
    assert.equal((await pause({ Authorization: await api.auth('mia') })).status, 200);
  });
});
