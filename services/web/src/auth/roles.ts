// Team roles from claims and a team's auth map (owner > member > pipeline-operator > viewer).
import type { TeamAuth } from '@jetbridge/api-types';
import { connectorOf, type Claims } from './claims.ts';

export const roleRank = {
  viewer: 1,
  'pipeline-operator': 2,
  member: 3,
  owner: 4,
} as const;

export type Role = keyof typeof roleRank;

export const ADMIN_TEAM = 'main';

function lower(values: string[] | undefined): Set<string> {
  return new Set((values ?? []).map((v) => v.toLowerCase()));
}

/** The roles `claims` hold on a team whose auth is `auth`, strongest first. */
export function rolesOnTeam(claims: Claims, auth: TeamAuth): Role[] {
  const connector = connectorOf(claims);
  const userId = `${connector}:${claims.federated_claims?.user_id ?? ''}`.toLowerCase();
  const userName = `${connector}:${claims.preferred_username || claims.name || ''}`.toLowerCase();
  const groups = (claims.groups ?? []).map((g) => `${connector}:${g}`.toLowerCase());

  const roles: Role[] = [];
  for (const [role, members] of Object.entries(auth ?? {})) {
    if (!(role in roleRank)) continue;
    const users = lower(members?.users);
    const teamGroups = lower(members?.groups);
    // A role with neither users nor groups lets everyone in, as Concourse's legacy teams do.
    const matches =
      (users.size === 0 && teamGroups.size === 0) ||
      users.has(userId) ||
      users.has(userName) ||
      groups.some((g) => teamGroups.has(g));
    if (matches) roles.push(role as Role);
  }
  return roles.sort((a, b) => roleRank[b] - roleRank[a]);
}

export function hasRoleAtLeast(roles: readonly Role[], required: Role): boolean {
  return roles.some((r) => roleRank[r] >= roleRank[required]);
}
