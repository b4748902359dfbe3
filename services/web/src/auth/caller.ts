// Who is calling: anonymous, a token that does not verify, or a user with roles per team.
import type { Pool } from '@jetbridge/db';
import type { TeamAuth } from '@jetbridge/api-types';
import { authorizationFromCookie } from './browser-session.ts';
import { displayUserId, type Claims } from './claims.ts';
import { hasRoleAtLeast, rolesOnTeam, type Role } from './roles.ts';
import { sessionKeyOf } from './session-key.ts';

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

  const teamRows = await pool.query<{ name: string; auth: TeamAuth; is_admin: boolean }>(
    'SELECT name, auth, is_admin FROM teams',
  );
  const teams = new Map<string, Role[]>();
  let isAdmin = false;
  for (const row of teamRows.rows) {
    const roles = rolesOnTeam(claims, row.auth);
    if (roles.length > 0) teams.set(row.name, roles);
    // Admin means owning an admin team (`main`, wherever a rename has taken it).
    if (row.is_admin && hasRoleAtLeast(roles, 'owner')) isAdmin = true;
  }
  return { kind: 'user', token, claims, teams, isAdmin, displayId: displayUserId(claims) };
}

/** Whether the caller may act with `role` on team `teamName` (admins may act everywhere). */
export function isAuthorizedOn(caller: Caller, teamName: string, role: Role): boolean {
  if (caller.kind !== 'user') return false;
  return caller.isAdmin || hasRoleAtLeast(caller.teams.get(teamName) ?? [], role);
}

/**
 * The caller of an API request: the Authorization header when present (fly), else the browser's
 * session cookie, which must carry a valid CSRF token on state-changing requests.
 */
export async function identifyRequest(
  ctx: { pool: Pool; settings: { auth?: { sessionSigningKey?: Buffer } } },
  request: Request,
): Promise<Caller> {
  const header = request.headers.get('authorization') ?? undefined;
  if (header !== undefined || !request.headers.has('cookie')) {
    return identifyCaller(ctx.pool, header);
  }
  const fromCookie = authorizationFromCookie(request, await sessionKeyOf(ctx));
  if (fromCookie.kind === 'none') return { kind: 'anonymous' };
  if (fromCookie.kind === 'csrf-failed') return { kind: 'invalid' };
  return identifyCaller(ctx.pool, fromCookie.authorization);
}
