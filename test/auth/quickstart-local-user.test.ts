// The quickstart's own user: `--add-local-user` names who owns main, instead of the default `test`.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { startQuickstart } from '../support/jetbridge.ts';

describe('quickstart with --add-local-user', { timeout: 300_000 }, () => {
  let jb: Awaited<ReturnType<typeof startQuickstart>>;
  let home: string;
  const f = (...a: string[]) => fly(['-t', 'local', ...a], { home, timeoutMs: 60_000 });

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startQuickstart({ args: ['--add-local-user', 'ädmin%1:s3cret:with:colons'] });
  });
  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('makes the added user the owner of main and tells how to log in', async () => {
    assert.match(jb.logs(), /-u ädmin%1 -p s3cret:with:colons/);
    const login = await f('login', '-c', jb.url, '-u', 'ädmin%1', '-p', 's3cret:with:colons');
    assert.equal(login.exitCode, 0, login.stdout + login.stderr);
    const teams = await f('teams');
    assert.match(teams.stdout, /main/);
  });

  it('creates no default test user beside it', async () => {
    const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    assert.notEqual(login.exitCode, 0);
  });
});

describe('quickstart with a bcrypt-hashed --add-local-user', { timeout: 300_000 }, () => {
  // bcrypt of "typed secret", cost 4
  const hashed = '$2b$04$xFO.AlZa3P2yX0.hUGopV.979qAgekfhEZSqRfRafz.qwtisXlBBG';
  let jb: Awaited<ReturnType<typeof startQuickstart>>;
  let home: string;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startQuickstart({ args: ['--add-local-user', `ops:${hashed}`] });
  });
  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('does not print the hash as the password to log in with, and the password logs in', async () => {
    assert.match(jb.logs(), /-u ops -p <your password>/);
    assert.doesNotMatch(jb.logs(), /-p \$2/);
    const login = await fly(
      ['-t', 'local', 'login', '-c', jb.url, '-u', 'ops', '-p', 'typed secret'],
      {
        home,
        timeoutMs: 60_000,
      },
    );
    assert.equal(login.exitCode, 0, login.stdout + login.stderr);
  });
});
