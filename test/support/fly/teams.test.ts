import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fly } from './index.ts';
import { FakeConcourse, flyHome, json, text } from './fake-concourse.ts';

const OWNER_ONLY = { owner: { users: ['local:admin'], groups: [] } };

describe('fly team commands', () => {
  const server = new FakeConcourse();
  let home = '';
  const run = (args: string[], stdin?: string) =>
    fly(['-t', 'test', ...args], { home, stdin, timeoutMs: 10_000 });

  before(async () => {
    home = await flyHome(await server.start());
  });
  after(() => server.stop());

  it('lists team names sorted, and roles with -d', async () => {
    server.on(
      'GET',
      '/api/v1/teams',
      json(200, [
        { id: 2, name: 'zeta', auth: { member: { users: [], groups: ['github:org'] } } },
        { id: 1, name: 'main', auth: OWNER_ONLY },
      ]),
    );
    assert.equal((await run(['teams'])).stdout, 'main\nzeta\n');
    const details = await run(['teams', '-d']);
    assert.equal(
      details.stdout,
      'main/owner   local:admin  none      \nzeta/member  none         github:org\n',
    );
  });

  it('shows one team as a role table, or its JSON', async () => {
    server.on('GET', '/api/v1/teams/main', json(200, { id: 1, name: 'main', auth: OWNER_ONLY }));
    const result = await run(['get-team', '-n', 'main', '--print-table-headers']);
    assert.equal(
      result.stdout,
      'name/role   users        groups\nmain/owner  local:admin  none  \n',
    );
    const asJson = await run(['get-team', '-n', 'main', '-j']);
    assert.deepEqual(JSON.parse(asJson.stdout), { id: 1, name: 'main', auth: OWNER_ONLY });
  });

  it('sets a team from --local-user flags as the owner role', async () => {
    server.on('PUT', '/api/v1/teams/dev', json(201, { team: { name: 'dev' } }));
    const result = await run([
      'set-team',
      '-n',
      'dev',
      '--local-user',
      'Alice',
      '--non-interactive',
    ]);
    const [req] = server.find('PUT', '/api/v1/teams/dev');
    assert.deepEqual(JSON.parse(req!.body), {
      auth: { owner: { users: ['local:alice'], groups: [] } },
    });
    assert.equal(
      result.stdout,
      'setting team: dev\n\nrole owner:\n  users:\n  - local:alice\n\n  groups:\n    none\nteam created\n',
    );
  });

  it('sets any roles from a config file and asks before applying', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fly-team-'));
    const file = join(dir, 'team.yml');
    await writeFile(
      file,
      'roles:\n- name: member\n  local:\n    users: [Bob]\n- name: viewer\n  github:\n    orgs: [Acme]\n',
    );
    server.on('PUT', '/api/v1/teams/dev', json(200, { team: { name: 'dev' } }));
    const result = await run(['set-team', '-n', 'dev', '-c', file], 'y\n');
    const [, req] = server.find('PUT', '/api/v1/teams/dev');
    assert.deepEqual(JSON.parse(req!.body).auth, {
      member: { users: ['local:bob'], groups: [] },
      viewer: { users: [], groups: ['github:acme'] },
    });
    assert.ok(result.stdout.includes('\napply team configuration? [yN]: team updated\n'));
  });

  it('refuses a team without users or groups', async () => {
    const result = await run(['set-team', '-n', 'dev', '--non-interactive']);
    assert.equal(result.stderr, 'error: ErrAuthNotConfiguredFromFlags\n');
    assert.equal(result.exitCode, 1);
  });

  it('destroys a team after the name is typed, and explains a refusal', async () => {
    server.on('DELETE', '/api/v1/teams/dev', text(204, ''));
    const done = await run(['destroy-team', '-n', 'dev'], 'dev\n');
    assert.equal(
      done.stdout,
      '!!! this will remove all data for team `dev`\n\nplease type the team name to confirm: \n`dev` deleted\n',
    );
    const wrong = await run(['destroy-team', '-n', 'dev'], 'nope\n');
    assert.equal(wrong.stderr, 'error: incorrect team name; bailing out\n');
    server.on('DELETE', '/api/v1/teams/dev', text(403, 'forbidden'));
    const refused = await run(['destroy-team', '-n', 'dev', '--non-interactive']);
    assert.ok(
      refused.stdout.endsWith('either your team is not an admin or it is the last admin team\n'),
    );
    assert.equal(refused.exitCode, 1);
  });

  it('renames a team', async () => {
    server.on('PUT', '/api/v1/teams/dev/rename', text(200, ''));
    const result = await run(['rename-team', '-o', 'dev', '-n', 'prod']);
    const [req] = server.find('PUT', '/api/v1/teams/dev/rename');
    assert.deepEqual(JSON.parse(req!.body), { name: 'prod' });
    assert.equal(result.stdout, 'Team successfully renamed to prod\n');
    server.on('PUT', '/api/v1/teams/dev/rename', json(404, { errors: [] }));
    const missing = await run(['rename-team', '-o', 'dev', '-n', 'prod']);
    assert.equal(missing.stderr, "Team 'dev' not found\n\n");
  });
});
