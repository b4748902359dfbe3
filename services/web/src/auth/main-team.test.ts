import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mainTeamAuth, MainTeamConfigError, teamAuthFromConfig } from './main-team.ts';

const none = {
  localUsers: [],
  oidcUsers: [],
  oidcGroups: [],
  githubUsers: [],
  githubOrgs: [],
  githubTeams: [],
};

describe('the main team from --main-team-* flags', () => {
  it('makes every flag an owner, prefixed by its connector and lower-cased', () => {
    const auth = mainTeamAuth({
      ...none,
      localUsers: ['Admin'],
      oidcUsers: ['alice'],
      oidcGroups: ['Platform'],
      githubUsers: ['octocat'],
      githubOrgs: ['acme'],
      githubTeams: ['acme:ci'],
    });
    assert.deepEqual(auth, {
      owner: {
        users: ['local:admin', 'oidc:alice', 'github:octocat'],
        groups: ['oidc:platform', 'github:acme', 'github:acme:ci'],
      },
    });
  });

  it('reads any roles from a team config file', () => {
    const auth = teamAuthFromConfig(`
roles:
- name: owner
  local: {users: [admin]}
- name: viewer
  oidc: {users: [bob], groups: [readers]}
- name: member
  local: {users: []}
`);
    assert.deepEqual(auth, {
      owner: { users: ['local:admin'], groups: [] },
      viewer: { users: ['oidc:bob'], groups: ['oidc:readers'] },
    });
  });

  it('refuses a config file combined with flags, an unknown role and an empty config', () => {
    assert.throws(
      () => mainTeamAuth({ ...none, localUsers: ['a'], config: 'roles: []' }),
      MainTeamConfigError,
    );
    assert.throws(() => teamAuthFromConfig('roles: [{name: boss, local: {users: [a]}}]'), /boss/);
    assert.throws(() => teamAuthFromConfig('roles: []'), /no role/);
  });
});
