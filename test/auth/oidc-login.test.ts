// fly and a browser against two `jetbridge web` replicas logging users in through a real OpenID
// provider: team membership by user and by group, the token handed to fly's listener, sessions
// and tokens that work on either replica and survive a restart of both.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { loadTargets, writeTargets } from '../support/fly/protocol/flyrc.ts';
import { Browser } from './support/browser.ts';
import { loginThroughProvider, type BrowserLogin } from './support/oidc-login.ts';
import { startOpenIdProvider, type OpenIdProvider } from './support/openid-provider.ts';
import { replicaPorts, startWebReplicas, type WebReplicas } from './support/web-replicas.ts';

const ADMIN_PASSWORD = `admin-${randomBytes(6).toString('hex')}`;
const SESSION_KEY = randomBytes(48).toString('hex');

const teamConfig = `
roles:
- name: member
  oidc:
    users: [alice]
- name: viewer
  oidc:
    groups: [readers]
`;

const pipeline = `
jobs:
- name: unit
  plan:
  - task: t
    config:
      platform: linux
      image_resource: {type: mock, source: {mirror_self: true}}
      run: {path: echo}
`;

describe('login through an OpenID provider with two web replicas', () => {
  let provider: OpenIdProvider;
  let replicas: WebReplicas;
  let dir: string;
  let alice: BrowserLogin;
  const issued: string[] = [];

  const home = (name: string) => join(dir, name);
  const run = (name: string, args: string[]) => fly(['-t', name, ...args], { home: home(name) });

  /** Saves a browser-login token as fly does after its listener receives it. */
  const saveTarget = async (name: string, url: string, team: string, flyToken: string) => {
    const [type, value] = flyToken.split(' ');
    const targets = await loadTargets(home(name));
    targets[name] = { api: url, team, token: { type: type!, value: value! } };
    await writeTargets(home(name), targets);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jb-auth-oidc-'));
    for (const name of ['admin', 'alice', 'bob']) await mkdir(home(name));
    const ports = await replicaPorts(2);
    // One external URL, as behind a load balancer: every callback lands on replica 0.
    const externalUrl = `http://127.0.0.1:${ports[0]}`;
    provider = await startOpenIdProvider({
      redirectUris: [`${externalUrl}/sky/callback`],
      accounts: {
        alice: { name: 'Alice', email: 'alice@example.com', groups: ['platform'] },
        bob: { name: 'Bob', email: 'bob@example.com', groups: ['readers'] },
        carl: { name: 'Carl', email: 'carl@example.com', groups: [] },
        dana: { name: 'Dana', email: 'dana@example.com', groups: ['Admins'] },
      },
    });
    const keyPath = join(dir, 'session-signing-key');
    await writeFile(keyPath, SESSION_KEY);
    replicas = await startWebReplicas({
      ports,
      args: () => [
        '--external-url',
        externalUrl,
        '--main-team-local-user',
        'admin',
        '--main-team-oidc-group',
        'admins',
        '--oidc-display-name',
        'Test IdP',
        '--oidc-issuer',
        provider.issuer,
        '--oidc-client-id',
        provider.clientId,
        '--session-signing-key',
        keyPath,
      ],
      env: {
        CONCOURSE_ADD_LOCAL_USER: `admin:${ADMIN_PASSWORD}`,
        CONCOURSE_OIDC_CLIENT_SECRET: provider.clientSecret,
      },
    });

    const login = await run('admin', [
      'login',
      '-c',
      replicas.urls[0]!,
      '-u',
      'admin',
      '-p',
      ADMIN_PASSWORD,
    ]);
    assert.equal(login.exitCode, 0, login.stderr);
    issued.push((await loadTargets(home('admin'))).admin!.token!.value);
    const configPath = join(dir, 'team.yml');
    await writeFile(configPath, teamConfig);
    const team = await run('admin', [
      'set-team',
      '-n',
      'dev',
      '-c',
      configPath,
      '--non-interactive',
    ]);
    assert.equal(team.exitCode, 0, team.stderr);
    await writeFile(join(dir, 'pipeline.yml'), pipeline);
  });

  after(async () => {
    await replicas?.stop();
    await provider?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('logs a member in through the provider, hands fly the token, and lets it set a pipeline', async () => {
    // The login starts on replica 1; the provider sends the browser back to replica 0.
    alice = await loginThroughProvider(replicas.urls[1]!, 'alice');
    issued.push(alice.accessToken);
    assert.match(alice.flyToken, /^bearer [A-Za-z0-9+/]{38}$/);
    await saveTarget('alice', replicas.urls[1]!, 'dev', alice.flyToken);

    const info = await run('alice', ['userinfo', '--json']);
    assert.equal(info.exitCode, 0, info.stderr);
    const user = JSON.parse(info.stdout) as Record<string, unknown>;
    assert.equal(user.user_id, 'alice');
    assert.equal(user.connector, 'oidc');
    assert.equal(user.user_name, 'alice');
    assert.deepEqual(user.teams, { dev: ['member'] });

    const set = await run('alice', [
      'set-pipeline',
      '-p',
      'app',
      '-c',
      join(dir, 'pipeline.yml'),
      '-n',
    ]);
    assert.equal(set.exitCode, 0, set.stderr);
    assert.match(set.stdout, /pipeline created!/);
  });

  it('makes a user a viewer through a group and forbids them to set pipelines', async () => {
    const bob = await loginThroughProvider(replicas.urls[0]!, 'bob');
    issued.push(bob.accessToken);
    await saveTarget('bob', replicas.urls[0]!, 'dev', bob.flyToken);

    const pipelines = await run('bob', ['pipelines']);
    assert.equal(pipelines.exitCode, 0, pipelines.stderr);
    assert.match(pipelines.stdout, /app/);

    const set = await run('bob', [
      'set-pipeline',
      '-p',
      'other',
      '-c',
      join(dir, 'pipeline.yml'),
      '-n',
    ]);
    assert.equal(set.exitCode, 1);
    assert.match(set.stderr, /forbidden/);
  });

  it('gives a user the provider knows but no team names nothing', async () => {
    const carl = await loginThroughProvider(replicas.urls[0]!, 'carl');
    issued.push(carl.accessToken);
    const headers = { Authorization: `Bearer ${carl.accessToken}` };
    const user = await fetch(`${replicas.urls[1]}/api/v1/user`, { headers });
    assert.deepEqual(((await user.json()) as { teams: unknown }).teams, {});
    const team = await fetch(`${replicas.urls[1]}/api/v1/teams/dev`, { headers });
    assert.equal(team.status, 403);
  });

  it('makes a member of a --main-team-oidc-group an admin', async () => {
    const dana = await loginThroughProvider(replicas.urls[1]!, 'dana');
    issued.push(dana.accessToken);
    const res = await fetch(`${replicas.urls[0]}/api/v1/user`, {
      headers: { Authorization: `Bearer ${dana.accessToken}` },
    });
    const user = (await res.json()) as { is_admin: boolean; teams: Record<string, string[]> };
    assert.equal(user.is_admin, true);
    assert.deepEqual(user.teams, { main: ['owner'] });
  });

  it('refuses a callback whose signed login cookie was tampered with or is missing', async () => {
    const browser = new Browser();
    browser.stopBefore = /\/sky\/callback/;
    const providerLogin = await browser.open(`${replicas.urls[1]}/sky/login/oidc`);
    const consent = await browser.submit(providerLogin, { login: 'alice', password: 'x' }, 'login');
    const callback = await browser.submit(consent, {}, 'value="consent"');
    assert.match(callback.url, /\/sky\/callback\?code=/);

    const jar = browser.jar.get('127.0.0.1')!;
    const sealed = jar.get('jetbridge_login')!;
    const [body, signature] = sealed.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as { flyPort: string };
    payload.flyPort = '1';
    jar.set(
      'jetbridge_login',
      `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`,
    );
    browser.stopBefore = null;
    const tampered = await browser.open(callback.url);
    assert.equal(tampered.status, 401);
    assert.match(tampered.html, /the login expired or was started elsewhere/);

    jar.delete('jetbridge_login');
    assert.equal((await browser.open(callback.url)).status, 401);
    assert.equal(jar.get('skymarshal_auth'), undefined);
  });

  it('checks the browser session and its CSRF token on either replica', async () => {
    const cookies = alice.browser.jar.get('127.0.0.1')!;
    const cookie = `skymarshal_auth=${cookies.get('skymarshal_auth')}`;
    const csrf = cookies.get('skymarshal_csrf')!;
    const pause = (url: string, headers: Record<string, string>) =>
      fetch(`${url}/api/v1/teams/dev/pipelines/app/pause`, { method: 'PUT', headers });

    const withoutCsrf = await pause(replicas.urls[1]!, { Cookie: cookie });
    assert.equal(withoutCsrf.status, 401);
    const forged = await pause(replicas.urls[1]!, {
      Cookie: cookie,
      'X-Csrf-Token': 'x'.repeat(43),
    });
    assert.equal(forged.status, 401);
    for (const url of replicas.urls) {
      const ok = await pause(url, { Cookie: cookie, 'X-Csrf-Token': csrf });
      assert.equal(ok.status, 200, url);
    }
    const read = await fetch(`${replicas.urls[0]}/api/v1/teams/dev/pipelines/app`, {
      headers: { Cookie: cookie },
    });
    assert.equal(read.status, 200);
  });

  it('keeps tokens and sessions valid on both replicas after restarting both', async () => {
    await replicas.restart();
    for (const url of replicas.urls) {
      const targets = await loadTargets(home('alice'));
      targets.alice = { ...targets.alice!, api: url };
      await writeTargets(home('alice'), targets);
      const status = await run('alice', ['status']);
      assert.equal(status.stdout.trim(), 'logged in successfully', status.stderr);
    }
    const cookies = alice.browser.jar.get('127.0.0.1')!;
    const unpause = await fetch(`${replicas.urls[1]}/api/v1/teams/dev/pipelines/app/unpause`, {
      method: 'PUT',
      headers: {
        Cookie: `skymarshal_auth=${cookies.get('skymarshal_auth')}`,
        'X-Csrf-Token': cookies.get('skymarshal_csrf')!,
      },
    });
    assert.equal(unpause.status, 200);
  });

  it('never writes passwords, client secrets, tokens or the session key to the logs', () => {
    const logs = replicas.logs();
    assert.match(logs, /login-succeeded/);
    for (const secret of [ADMIN_PASSWORD, provider.clientSecret, SESSION_KEY, ...issued]) {
      assert.ok(!logs.includes(secret), `a secret appears in the web logs`);
    }
  });
});
