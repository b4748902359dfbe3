// PUT {T}: `fly set-team`. Owners update their team; only admins create teams.
import { BadRequestError, ForbiddenError } from '@jetbridge/api-types';
import type { TeamAuth } from '@jetbridge/api-types';
import { validateIdentifier } from '@jetbridge/pipeline';
import { roleRank } from '../auth/roles.ts';
import { readJsonObject } from './body.ts';
import { json } from './respond.ts';
import type { TeamRow } from './rows.ts';
import type { ApiRequest } from './route-table.ts';
import { presentTeam } from './teams.ts';

function validAuth(auth: unknown): TeamAuth {
  if (auth === null || typeof auth !== 'object' || Object.keys(auth).length === 0) {
    throw new BadRequestError('auth is empty: give at least one role a user or a group');
  }
  const out: TeamAuth = {};
  for (const [role, members] of Object.entries(auth as Record<string, unknown>)) {
    if (!(role in roleRank)) throw new BadRequestError(`unknown role '${role}'`);
    const m = (members ?? {}) as { users?: unknown; groups?: unknown };
    const users = Array.isArray(m.users) ? m.users.map(String) : [];
    const groups = Array.isArray(m.groups) ? m.groups.map(String) : [];
    if (users.length === 0 && groups.length === 0) {
      throw new BadRequestError(`role '${role}' has no users and no groups`);
    }
    out[role] = { users: users.map((u) => u.toLowerCase()), groups };
  }
  return out;
}

export async function setTeam(req: ApiRequest): Promise<Response> {
  const body = await readJsonObject<{ auth?: unknown }>(req.request);
  const auth = validAuth(body.auth);
  const name = req.params.team_name!;
  const warning = validateIdentifier(name, 'team');
  if (typeof warning === 'string') throw new BadRequestError(warning);

  const creating = req.team === null;
  if (creating && !(req.caller.kind === 'user' && req.caller.isAdmin)) throw new ForbiddenError();
  const saved = await req.ctx.pool.query<TeamRow>(
    `INSERT INTO teams (name, auth) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET auth = excluded.auth RETURNING id, name, auth`,
    [name, JSON.stringify(auth)],
  );
  req.log.info({ team: name, created: creating }, 'team-saved');
  return json(creating ? 201 : 200, {
    team: presentTeam(saved.rows[0]!),
    ...(warning ? { warnings: [warning] } : {}),
  });
}
