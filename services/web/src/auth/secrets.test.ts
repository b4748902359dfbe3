// Passwords, tokens, client secrets and the session key stay out of logs, error responses and the
// API, whatever the request does.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { PASSWORD, startTestApi, type TestApi } from '../api/test-support.ts';

const FORM = 'application/x-www-form-urlencoded';
const WRONG_PASSWORD = 'hunter2-wrong-password';
const CLIENT_SECRET = 'oidc-client-secret-never-shown';
const SESSION_KEY = Buffer.from('session-key-material-never-shown!');

describe('secrets', () => {
  let api: TestApi;
  let logs = '';
  const seen: string[] = [];

  const grant = (username: string, password: string) =>
    api.request('/sky/issuer/token', {
      method: 'POST',
      headers: { Authorization: 'Basic Zmx5OlpteDU=', 'Content-Type': FORM },
      body: `grant_type=password&username=${username}&password=${encodeURIComponent(password)}`,
    });

  before(async () => {
    api = await startTestApi();
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs += chunk.toString();
        done();
      },
    });
    api.ctx.logger = pino({ level: 'debug' }, sink);
    api.ctx.settings.auth = {
      sessionSigningKey: SESSION_KEY,
      // Nothing listens there: discovery fails, and its error must not carry the secret.
      oidc: {
        displayName: 'Corp',
        issuer: 'http://127.0.0.1:9',
        clientId: 'jetbridge',
        clientSecret: CLIENT_SECRET,
        scopes: ['profile'],
        groupsKey: 'groups',
        userNameKey: 'username',
        allowInsecureIssuer: true,
      },
    };
  });
  after(() => api.close());

  const record = async (res: Response) => {
    const body = await res.text();
    seen.push(body, JSON.stringify([...res.headers.entries()]));
    return body;
  };

  it('keeps a rejected password out of the answer and the log', async () => {
    const res = await grant('admin', WRONG_PASSWORD);
    assert.equal(res.status, 401);
    assert.doesNotMatch(await record(res), /hunter2/);
  });

  it('answers an unreachable provider without its client secret', async () => {
    const res = await api.request('/sky/login/oidc?fly_port=4567');
    assert.equal(res.status, 502);
    assert.match(await record(res), /Corp cannot be reached/);
  });

  it('never returns the token it was sent, nor a stored one, from the API', async () => {
    const login = await grant('admin', PASSWORD);
    const { access_token } = (await login.json()) as { access_token: string };
    const bogus = await api.request('/api/v1/teams', {
      headers: { Authorization: 'Bearer bogus-token-never-echoed' },
    });
    assert.equal(await record(bogus), 'not authorized');
    for (const path of ['/api/v1/user', '/api/v1/teams', '/api/v1/teams/t', '/api/v1/info']) {
      const res = await api.request(path, { headers: { Authorization: `Bearer ${access_token}` } });
      assert.equal(res.status, 200, path);
      const body = await record(res);
      assert.ok(!body.includes(access_token), `${path} shows the token`);
    }
    seen.push(access_token);
  });

  it('has written none of them to the log', () => {
    assert.match(logs, /login-rejected/);
    assert.match(logs, /login-provider-unavailable/);
    const token = seen.at(-1)!;
    for (const secret of [WRONG_PASSWORD, PASSWORD, CLIENT_SECRET, SESSION_KEY.toString(), token]) {
      assert.ok(!logs.includes(secret), `the log shows ${secret.slice(0, 6)}...`);
    }
    for (const body of seen.slice(0, -1)) {
      for (const secret of [WRONG_PASSWORD, CLIENT_SECRET, SESSION_KEY.toString(), 'bogus-token']) {
        assert.ok(!body.includes(secret), `an answer shows ${secret.slice(0, 6)}...`);
      }
    }
  });
});
