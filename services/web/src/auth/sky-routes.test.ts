import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, startTestApi, type TestApi } from '../api/test-support.ts';
import { accessTokenExpiry } from './token.ts';

const FORM = 'application/x-www-form-urlencoded';
const grant = (username: string, password: string) =>
  `grant_type=password&password=${encodeURIComponent(password)}` +
  `&scope=openid+profile+email+federated%3Aid+groups&username=${encodeURIComponent(username)}`;

describe('login with the password grant', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  it("accepts fly's first attempt with the client in a Basic header", async () => {
    const res = await api.request('/sky/issuer/token', {
      method: 'POST',
      headers: { Authorization: 'Basic Zmx5OlpteDU=', 'Content-Type': FORM },
      body: grant('admin', PASSWORD),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { access_token: string; token_type: string };
    assert.equal(body.token_type, 'bearer');
    const expiry = accessTokenExpiry(body.access_token);
    assert.ok(expiry && expiry.getTime() > Date.now());

    const user = await api.request('/api/v1/user', {
      headers: { Authorization: `Bearer ${body.access_token}` },
    });
    assert.equal(user.status, 200);
    const info = (await user.json()) as Record<string, unknown>;
    assert.equal(info.user_id, 'admin');
    assert.equal(info.is_admin, true);
    assert.deepEqual(info.teams, { main: ['owner'] });
    assert.equal(info.display_user_id, 'admin');
  });

  it("accepts fly's retry with the client in the form, for a bcrypt user", async () => {
    const res = await api.request('/sky/issuer/token', {
      method: 'POST',
      headers: { 'Content-Type': FORM },
      body: `client_id=fly&client_secret=Zmx5&${grant('carol', PASSWORD)}`,
    });
    assert.equal(res.status, 200);
    const { access_token } = (await res.json()) as { access_token: string };
    const user = await api.request('/api/v1/user', {
      headers: { Authorization: `bearer ${access_token}` },
    });
    assert.deepEqual(((await user.json()) as { teams: unknown }).teams, { other: ['owner'] });
  });

  it('rejects a wrong password with 401 not authorized', async () => {
    const res = await api.request('/sky/issuer/token', {
      method: 'POST',
      headers: { Authorization: 'Basic Zmx5OlpteDU=', 'Content-Type': FORM },
      body: grant('admin', 'wrong'),
    });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: string; error_description: string };
    assert.match(body.error_description, /not authorized/);
    const stored = await api.pool.query('SELECT count(*)::int AS n FROM access_tokens');
    assert.equal(stored.rows[0].n, 2);
  });

  it('logs out by deleting the token named in the cookie', async () => {
    const header = await api.auth('vic');
    const token = header.split(' ')[1];
    const res = await api.request('/sky/logout', {
      headers: { Cookie: `skymarshal_auth="bearer ${token}"` },
    });
    assert.equal(res.status, 200);
    const user = await api.request('/api/v1/user', { headers: { Authorization: header } });
    assert.equal(user.status, 401);
    assert.equal(await user.text(), 'not authorized');

    const noCookie = await api.request('/sky/logout');
    assert.equal(noCookie.status, 401);
  });

  it('hands a browser login to the fly listener on the given port', async () => {
    const page = await api.request('/login?fly_port=4567');
    assert.match(await page.text(), /name="fly_port" value="4567"/);

    const res = await api.request('/login', {
      method: 'POST',
      headers: { 'Content-Type': FORM },
      body: `fly_port=4567&username=mia&password=${PASSWORD}`,
    });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/fly_success?fly_port=4567');
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;

    const success = await api.request('/fly_success?fly_port=4567', {
      headers: { Cookie: cookie },
    });
    const html = await success.text();
    const token = /"bearer ([A-Za-z0-9+/]{38})"/.exec(cookie)![1]!;
    assert.ok(html.includes(`http://127.0.0.1:4567/?token=bearer%20${encodeURIComponent(token)}`));

    const wrong = await api.request('/login', {
      method: 'POST',
      headers: { 'Content-Type': FORM },
      body: 'fly_port=4567&username=mia&password=nope',
    });
    assert.equal(wrong.status, 401);
  });
});
