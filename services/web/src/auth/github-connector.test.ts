// The GitHub connector against a stand-in for GitHub's OAuth and REST endpoints (GitHub itself
// cannot run in a test): the code exchange, the user, orgs and teams, and roles from them.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startTestApi } from '../api/test-support.ts';
import { identityClaims } from './claims.ts';
import { githubConnector, githubEndpoints } from './github-connector.ts';
import { rolesOnTeam } from './roles.ts';

const CLIENT_SECRET = 'github-client-secret';

describe('the GitHub connector', () => {
  let server: Server;
  let host: string;
  const tokenRequests: URLSearchParams[] = [];

  before(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      };
      if (url.pathname === '/login/oauth/access_token') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const form = new URLSearchParams(body);
          tokenRequests.push(form);
          if (form.get('code') !== 'good-code' || form.get('client_secret') !== CLIENT_SECRET) {
            return reply(400, { error: 'bad_verification_code' });
          }
          reply(200, { access_token: 'gho_token', token_type: 'bearer', scope: 'read:org' });
        });
        return;
      }
      if (url.pathname === '/login/oauth/authorize') {
        // The user approves at once: back to the app with a code and the state it sent.
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', 'good-code');
        back.searchParams.set('state', url.searchParams.get('state')!);
        res.writeHead(302, { Location: back.href }).end();
        return;
      }
      if (req.headers.authorization !== 'Bearer gho_token') return reply(401, {});
      if (url.pathname === '/api/v3/user') {
        return reply(200, { id: 583231, login: 'Octocat', name: 'The Octocat', email: 'o@x' });
      }
      if (url.pathname === '/api/v3/user/orgs') return reply(200, [{ login: 'acme' }]);
      if (url.pathname === '/api/v3/user/teams') {
        return reply(200, [{ slug: 'ci', organization: { login: 'acme' } }]);
      }
      reply(404, {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    host = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(() => server.close());

  it('uses github.com, or an Enterprise host over https', () => {
    assert.deepEqual(githubEndpoints(undefined), {
      web: 'https://github.com',
      api: 'https://api.github.com',
    });
    assert.deepEqual(githubEndpoints('github.example.com'), {
      web: 'https://github.example.com',
      api: 'https://github.example.com/api/v3',
    });
  });

  it('exchanges the code and makes orgs and org:team groups', async () => {
    const connector = githubConnector({ clientId: 'app', clientSecret: CLIENT_SECRET, host });
    const { url, checks } = await connector.start('http://ci.example.com/sky/callback');
    assert.equal(url.origin + url.pathname, `${host}/login/oauth/authorize`);
    assert.equal(url.searchParams.get('client_id'), 'app');
    assert.equal(url.searchParams.get('scope'), 'read:org user:email');

    const callback = new URL('http://ci.example.com/sky/callback');
    callback.searchParams.set('code', 'good-code');
    callback.searchParams.set('state', url.searchParams.get('state')!);
    const identity = await connector.finish(callback, checks);
    assert.deepEqual(identity, {
      userId: '583231',
      name: 'The Octocat',
      email: 'o@x',
      preferredUsername: 'Octocat',
      groups: ['acme', 'acme:ci'],
    });
    assert.equal(tokenRequests.at(-1)!.get('redirect_uri'), 'http://ci.example.com/sky/callback');

    const claims = identityClaims('github', identity, 'x', new Date(), new Date());
    const auth = {
      owner: { users: ['github:octocat'], groups: [] },
      member: { users: [], groups: ['github:acme:ci'] },
      viewer: { users: [], groups: ['github:other'] },
    };
    assert.deepEqual(rolesOnTeam(claims, auth), ['owner', 'member']);
  });

  it('logs a browser in through /sky/login/github and /sky/callback, with roles from its org', async () => {
    const api = await startTestApi();
    try {
      api.ctx.settings.auth = { github: { clientId: 'app', clientSecret: CLIENT_SECRET, host } };
      await api.pool.query("INSERT INTO teams (name, auth) VALUES ('gh', $1)", [
        JSON.stringify({ member: { users: [], groups: ['github:acme'] } }),
      ]);
      const page = await api.request('/login?fly_port=4567');
      assert.match(
        await page.text(),
        /href="\/sky\/login\/github\?fly_port=4567">Log in with GitHub/,
      );

      const start = await api.request('/sky/login/github?fly_port=4567');
      assert.equal(start.status, 302);
      const loginCookie = start.headers.getSetCookie()[0]!.split(';')[0]!;
      const approved = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      const callback = new URL(approved.headers.get('location')!);
      assert.equal(callback.origin + callback.pathname, 'http://jetbridge.test/sky/callback');

      const done = await api.request(`/sky/callback${callback.search}`, {
        headers: { Cookie: loginCookie },
      });
      assert.equal(done.status, 302);
      assert.equal(done.headers.get('location'), '/fly_success?fly_port=4567');
      const session = done.headers.getSetCookie().find((c) => c.startsWith('skymarshal_auth='))!;
      const user = await api.request('/api/v1/user', {
        headers: { Cookie: session.split(';')[0]! },
      });
      const info = (await user.json()) as Record<string, unknown>;
      assert.equal(info.connector, 'github');
      assert.equal(info.user_name, 'Octocat');
      assert.deepEqual(info.teams, { gh: ['member'] });
    } finally {
      await api.close();
    }
  });

  it('refuses a callback whose state is not the one it sent', async () => {
    const connector = githubConnector({ clientId: 'app', clientSecret: CLIENT_SECRET, host });
    const { checks } = await connector.start('http://ci.example.com/sky/callback');
    const callback = new URL('http://ci.example.com/sky/callback?code=good-code&state=forged');
    await assert.rejects(connector.finish(callback, checks), /GitHub login failed/);
  });
});
