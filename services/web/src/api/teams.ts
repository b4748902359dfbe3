// Team routes: the list the caller may see, and one team.
import type { Team } from '@jetbridge/api-types';
import { isAuthorizedOn } from '../auth/caller.ts';
import { json } from './respond.ts';
import type { TeamRow } from './rows.ts';
import type { ApiRequest } from './route-table.ts';

export function presentTeam(row: TeamRow): Team {
  return { id: row.id, name: row.name, auth: row.auth };
}

export async function listTeams(req: ApiRequest): Promise<Response> {
  const rows = await req.ctx.pool.query<TeamRow>('SELECT id, name, auth FROM teams ORDER BY name');
  const visible = rows.rows.filter((t) => isAuthorizedOn(req.caller, t.name, 'viewer'));
  return json(200, visible.map(presentTeam));
}

export async function getTeam(req: ApiRequest): Promise<Response> {
  return json(200, presentTeam(req.team!));
}
