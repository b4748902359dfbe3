// A token lives for --auth-duration: fly works until then, and prints its "not authorized" login
// hint once it has passed. Logging out ends a token on the server at once.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startTestApi, PASSWORD, type TestApi } from '../../services/web/src/api/test-support.ts';
import { accessTokenExpiry } from '../../services/web/src/auth/token.ts';
import { startHttpServer, type RunningServer } from '../../services/web/src/server.ts';
import { fly } from '../support/fly/index.ts';
import { loadTargets } from '../support/fly/protocol/flyrc.ts';

const AUTH_DURATION_MS = 3000;

describe('token expiry and logout through fly', () => {
  let api: TestApi;
  let server: RunningServer;
  let home: string;
  let url: string;
  const run = (args: string[]) => fly(['-t', 'ci', ...args], { home });

  before(async () => {
    api = await startTestApi();
    api.ctx.settings.authDurationMs = AUTH_DURATION_MS;
    server = await startHttpServer(api.ctx, api.app);
    url = `http://127.0.0.1:${server.port}`;
    home = await mkdtemp(join(tmpdir(), 'jb-auth-expiry-'));
  });
  after(async () => {
    await server?.close();
    await api?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('works until --auth-duration passes, then answers not authorized', async () => {
    const login = await run(['login', '-c', url, '-u', 'vic', '-p', PASSWORD, '-n', 't']);
    assert.equal(login.exitCode, 0, login.stderr);
    const token = (await loadTargets(home)).ci!.token!.value;
    const expiresAt = accessTokenExpiry(token)!;
    assert.ok(expiresAt.getTime() <= Date.now() + AUTH_DURATION_MS);

    const before = await run(['pipelines']);
    assert.equal(before.exitCode, 0, before.stderr);

    // The expiry is known: wait for that instant (plus the second the token rounds down), no more.
    const stored = await api.pool.query<{ expires_at: Date }>(
      'SELECT expires_at FROM access_tokens WHERE token = $1',
      [token],
    );
    await delay(Math.max(0, stored.rows[0]!.expires_at.getTime() - Date.now()) + 50);

    const expired = await run(['pipelines']);
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
    const login = await run(['login', '-c', url, '-u', 'mia', '-p', PASSWORD, '-n', 't']);
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
});
