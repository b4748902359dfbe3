import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fly } from './index.ts';
import { FakeConcourse, json, text } from './fake-concourse.ts';

/** An opaque Concourse token: 20 random bytes, then the expiry as little-endian Unix seconds. */
function mintToken(expiresAt: number): string {
  const bytes = Buffer.alloc(28, 7);
  bytes.writeBigUInt64LE(BigInt(expiresAt), 20);
  return bytes.toString('base64').replace(/=+$/, '');
}

const TOKEN = mintToken(1_900_000_000);

describe('fly login', () => {
  const server = new FakeConcourse();
  let api = '';

  before(async () => {
    api = await server.start();
    server
      .on('POST', '/sky/issuer/token', text(401, 'bad client'))
      .on(
        'POST',
        '/sky/issuer/token',
        json(200, { access_token: TOKEN, token_type: 'bearer', expires_in: 86399 }),
      )
      .on('GET', '/api/v1/user', json(200, { is_admin: false, teams: { main: ['owner'] } }));
  });
  after(() => server.stop());

  it('retries the password grant with form credentials and writes the flyrc', async () => {
    const home = await mkdtemp(join(tmpdir(), 'fly-login-'));
    const result = await fly(
      ['-t', 'ci', 'login', '-c', `${api}/`, '-u', 'admin', '-p', 'p@ss word'],
      { home },
    );

    assert.equal(result.stderr, '');
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, "logging in to team 'main'\n\n\ntarget saved\n");

    const [first, second] = server.find('POST', '/sky/issuer/token');
    assert.equal(first?.headers.authorization, 'Basic Zmx5OlpteDU=');
    assert.equal(first?.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(
      first?.body,
      'grant_type=password&password=p%40ss+word&scope=openid+profile+email+federated%3Aid+groups&username=admin',
    );
    assert.equal(second?.headers.authorization, undefined);
    assert.equal(
      second?.body,
      'client_id=fly&client_secret=Zmx5&grant_type=password&password=p%40ss+word&scope=openid+profile+email+federated%3Aid+groups&username=admin',
    );
    assert.equal(server.find('GET', '/api/v1/user')[0]?.headers.authorization, `Bearer ${TOKEN}`);

    const flyrc = await readFile(join(home, '.flyrc'), 'utf8');
    assert.equal(
      flyrc,
      `targets:\n  ci:\n    api: ${api}\n    team: main\n    token:\n      type: bearer\n      value: ${TOKEN}\n`,
    );
  });

  it('refuses a team the user has no role on', async () => {
    const home = await mkdtemp(join(tmpdir(), 'fly-login-'));
    const result = await fly(
      ['-t', 'ci', 'login', '-c', api, '-n', 'other', '-u', 'a', '-p', 'b'],
      { home },
    );
    assert.equal(result.exitCode, 1);
    assert.equal(
      result.stderr,
      "error: you are not a member of 'other' or the team does not exist\n",
    );
  });
});

describe('flyrc compatibility', () => {
  it('reads a flyrc written by fly and blanks the token on logout', async () => {
    const server = new FakeConcourse();
    const api = await server.start();
    server.on('GET', '/sky/logout', text(200, ''));
    try {
      const home = await mkdtemp(join(tmpdir(), 'fly-rc-'));
      await writeFile(
        join(home, '.flyrc'),
        `targets:\n  ci:\n    api: ${api}\n    insecure: true\n    team: main\n    token:\n      type: bearer\n      value: ${TOKEN}\n`,
      );

      const targets = await fly(['targets'], { home });
      assert.equal(targets.exitCode, 0);
      assert.match(
        targets.stdout,
        new RegExp(`^ci  ${api}  main  Sun, 17 Mar 2030 17:46:40 UTC\n$`),
      );

      const logout = await fly(['-t', 'ci', 'logout'], { home });
      assert.equal(logout.exitCode, 0);
      assert.equal(
        server.find('GET', '/sky/logout')[0]?.headers.cookie,
        `skymarshal_auth="bearer ${TOKEN}"`,
      );
      assert.equal(
        await readFile(join(home, '.flyrc'), 'utf8'),
        `targets:\n  ci:\n    api: ${api}\n    insecure: true\n    team: main\n    token:\n      type: ""\n      value: ""\n`,
      );

      const status = await fly(['-t', 'ci', 'status'], { home });
      assert.equal(status.stdout, 'logged out\n');
    } finally {
      await server.stop();
    }
  });
});
