// Teams through fly: set-team with roles from a config file, teams, get-team, rename-team and
// destroy-team, with the roles each command needs.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { replicaPorts, startWebReplicas, type WebReplicas } from './support/web-replicas.ts';

const PASSWORD = 'teams-test-password';

const teamConfig = `
roles:
- name: owner
  local: {users: [olive]}
- name: member
  local: {users: [mia]}
- name: pipeline-operator
  oidc: {groups: [operators]}
- name: viewer
  local: {users: [vic]}
  oidc: {users: [bob]}
`;

describe('teams through fly', () => {
  let web: WebReplicas;
  let home: string;
  let url: string;
  const run = (target: string, args: string[]) => fly(['-t', target, ...args], { home });
  const login = async (target: string, user: string, team: string) => {
    const res = await run(target, ['login', '-c', url, '-u', user, '-p', PASSWORD, '-n', team]);
    assert.equal(res.exitCode, 0, res.stderr);
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-auth-teams-'));
    const users = ['admin', 'olive', 'mia', 'vic'].map((u) => `${u}:${PASSWORD}`).join(',');
    web = await startWebReplicas({
      ports: await replicaPorts(1),
      args: () => ['--main-team-local-user', 'admin'],
      env: { CONCOURSE_ADD_LOCAL_USER: users },
    });
    url = web.urls[0]!;
    await login('admin', 'admin', 'main');
    await writeFile(join(home, 'team.yml'), teamConfig);
  });
  after(async () => {
    await web?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('sets a team with every role from a config file and shows it', async () => {
    const set = await run('admin', [
      'set-team',
      '-n',
      'dev',
      '-c',
      join(home, 'team.yml'),
      '--non-interactive',
    ]);
    assert.equal(set.exitCode, 0, set.stderr);
    assert.match(set.stdout, /team created/);

    const team = await run('admin', ['get-team', '-n', 'dev']);
    assert.equal(team.exitCode, 0, team.stderr);
    assert.match(team.stdout, /dev\/member\s+local:mia\s+none/);
    assert.match(team.stdout, /dev\/pipeline-operator\s+none\s+oidc:operators/);
    assert.match(team.stdout, /dev\/viewer\s+local:vic,oidc:bob\s+none/);

    await login('vic', 'vic', 'dev');
    const teams = await run('vic', ['teams']);
    assert.equal(teams.stdout.trim(), 'dev');
    const userinfo = await run('vic', ['userinfo']);
    assert.match(userinfo.stdout, /vic\s+dev\/viewer/);
  });

  it('lets an owner but not a member rename the team', async () => {
    await login('mia', 'mia', 'dev');
    const refused = await run('mia', ['rename-team', '-o', 'dev', '-n', 'prod']);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /forbidden/);

    await login('olive', 'olive', 'dev');
    const renamed = await run('olive', ['rename-team', '-o', 'dev', '-n', 'prod']);
    assert.equal(renamed.exitCode, 0, renamed.stderr);
    assert.equal(renamed.stdout, 'Team successfully renamed to prod\n');
    assert.equal(
      (await run('admin', ['teams'])).stdout.split('\n').sort().join(' ').trim(),
      'main prod',
    );
  });

  it('lets only an admin destroy a team, and never the last admin team', async () => {
    await login('olive', 'olive', 'prod');
    const refused = await run('olive', ['destroy-team', '-n', 'prod', '--non-interactive']);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stdout, /either your team is not an admin or it is the last admin team/);

    const main = await run('admin', ['destroy-team', '-n', 'main', '--non-interactive']);
    assert.equal(main.exitCode, 1);

    const destroyed = await run('admin', ['destroy-team', '-n', 'prod', '--non-interactive']);
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
    assert.match(destroyed.stdout, /`prod` deleted/);
    assert.equal((await run('admin', ['teams'])).stdout.trim(), 'main');
  });
});
