import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localUserClaims } from './claims.ts';
import { hasRoleAtLeast, rolesOnTeam } from './roles.ts';

const now = new Date();
const claims = localUserClaims('Admin', 'http://x/sky/issuer', now, now);

describe('team roles', () => {
  it('matches local users by user id, case-insensitively', () => {
    const roles = rolesOnTeam(claims, {
      owner: { users: ['local:admin'], groups: [] },
      viewer: { users: ['local:someone'], groups: [] },
    });
    assert.deepEqual(roles, ['owner']);
  });

  it('lets everyone in on a role with neither users nor groups', () => {
    assert.deepEqual(rolesOnTeam(claims, { viewer: { users: [], groups: [] } }), ['viewer']);
  });

  it('orders roles owner > member > pipeline-operator > viewer', () => {
    assert.ok(hasRoleAtLeast(['member'], 'pipeline-operator'));
    assert.ok(!hasRoleAtLeast(['pipeline-operator'], 'member'));
    assert.ok(!hasRoleAtLeast(['viewer'], 'pipeline-operator'));
    assert.ok(hasRoleAtLeast(['owner'], 'viewer'));
  });
});
