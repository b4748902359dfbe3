// A token lives for --auth-duration: fly works until then, and prints its "not authorized" login
// hint once it has passed. Logging out ends a token on the server at once.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { loadTargets } from '../support/fly/protocol/flyrc.ts';
import { replicaPorts, startWebReplicas, type WebReplicas } from './support/web-replicas.ts';

const AUTH_DURATION_MS = 3000;

/** The expiry a Concourse access token carries in its last 8 bytes (what `fly targets` shows). */
function tokenExpiry(token: string): Date {
  return new Date(Number(Buffer.from(token, 'base64').readBigUInt64LE(20)) * 1000);
}

describe('token expiry and logout through fly', () => {
  let web: WebReplicas;
  let home: string;
  let url: string;
  const run = (args: string[]) => fly(['-t', 'ci', ...args], { home });

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-auth-expiry-'));
    web = await startWebReplicas({
      ports: await replicaPorts(1),
      args: () => ['--main-team-local-user', 'admin', '--auth-duration', `${AUTH_DURATION_MS}ms`],
      env: { CONCOURSE_ADD_LOCAL_USER: 'admin:expiry-password,other:other-password' },
    });
    url = web.urls[0]!;
  });
  after(async () => {
    await web?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('works until --auth-duration passes, then answers not authorized', async () => {
    const login = await run(['login', '-c', url, '-u', 'admin', '-p', 'expiry-password']);
    assert.equal(login.exitCode, 0, login.stderr);
    const token = (await loadTargets(home)).ci!.token!.value;
    const expiresAt = tokenExpiry(token);
    assert.ok(expiresAt.getTime() <= Date.now() + AUTH_DURATION_MS);

    const before = await run(['teams']);
    assert.equal(before.exitCode, 0, before.stderr);

    // The expiry is known: wait for that instant (plus the second the token rounds down), no more.
    await delay(Math.max(0, expiresAt.getTime() + 1000 - Date.now()) + 50);

    const expired = await run(['teams']);
    assert.equal(expired.exitCode, 1);
    assert.match(
      expired.stderr,
      /^not authorized\. run the following to log in:\n\n {4}fly -t ci login\n/,
    );
    const status = await run(['status']);
    assert.equal(status.exitCode, 1);
    assert.match(status.stderr, /please login again/);
  });

  it('ends the token on the server when fly logs out', async () => {
    const login = await run(['login', '-c', url, '-u', 'admin', '-p', 'expiry-password']);
    assert.equal(login.exitCode, 0, login.stderr);
    const token = (await loadTargets(home)).ci!.token!.value;

    const logout = await run(['logout']);
    assert.equal(logout.exitCode, 0, logout.stderr);
    assert.equal(logout.stdout, 'logged out of target: ci\n');
    const res = await fetch(`${url}/api/v1/user`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 401);
    assert.equal((await run(['status'])).stdout, 'logged out\n');
  });

  it('keeps a user who is in no team out of every team at login', async () => {
    const login = await run(['login', '-c', url, '-u', 'other', '-p', 'other-password']);
    assert.equal(login.exitCode, 1);
    assert.match(login.stderr, /you are not a member of 'main' or the team does not exist/);
  });
});
