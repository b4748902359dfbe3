// Who is calling: anonymous, a token that does not verify, or a user with roles per team.
import type { Pool } from '@jetbridge/db';
import type { TeamAuth } from '@jetbridge/api-types';
import { displayUserId, type Claims } from './claims.ts';
import { ADMIN_TEAM, hasRoleAtLeast, rolesOnTeam, type Role } from './roles.ts';

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'invalid' }
  | {
      kind: 'user';
      token: string;
      claims: Claims;
      /** Team name → roles held there, strongest first; only teams with at least one role. */
      teams: Map<string, Role[]>;
      isAdmin: boolean;
      displayId: string;
    };

export type UserCaller = Extract<Caller, { kind: 'user' }>;

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or null. */
export function bearerToken(header: string): string | null {
  const parts = header.split(' ');
  if (parts.length !== 2 || parts[0]!.toLowerCase() !== 'bearer' || parts[1] === '') return null;
  return parts[1]!;
}

export async function identifyCaller(pool: Pool, header: string | undefined): Promise<Caller> {
  if (header === undefined) return { kind: 'anonymous' };
  const token = bearerToken(header);
  if (token === null) return { kind: 'invalid' };

  const found = await pool.query<{ claims: Claims }>(
    'SELECT claims FROM access_tokens WHERE token = $1 AND expires_at > now()',
    [token],
  );
  const claims = found.rows[0]?.claims;
  if (!claims || !Array.isArray(claims.aud) || !claims.aud.includes('fly')) {
    return { kind: 'invalid' };
  }

  const teamRows = await pool.query<{ name: string; auth: TeamAuth }>(
    'SELECT name, auth FROM teams',
  );
  const teams = new Map<string, Role[]>();
  for (const row of teamRows.rows) {
    const roles = rolesOnTeam(claims, row.auth);
    if (roles.length > 0) teams.set(row.name, roles);
  }
  const isAdmin = hasRoleAtLeast(teams.get(ADMIN_TEAM) ?? [], 'owner');
  return { kind: 'user', token, claims, teams, isAdmin, displayId: displayUserId(claims) };
}

/** Whether the caller may act with `role` on team `teamName` (admins may act everywhere). */
export function isAuthorizedOn(caller: Caller, teamName: string, role: Role): boolean {
  if (caller.kind !== 'user') return false;
  return caller.isAdmin || hasRoleAtLeast(caller.teams.get(teamName) ?? [], role);
}
