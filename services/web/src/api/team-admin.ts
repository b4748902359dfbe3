// PUT {T}/rename and DELETE {T}: `fly rename-team` and `fly destroy-team`. Destroying a team
// removes its pipelines, builds and containers with it (the schema cascades from teams).
import { BadRequestError, ConflictError, ForbiddenError } from '@jetbridge/api-types';
import { validateIdentifier } from '@jetbridge/pipeline';
import { readJsonObject } from './body.ts';
import { empty, json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

const UNIQUE_VIOLATION = '23505';

export async function renameTeam(req: ApiRequest): Promise<Response> {
  const body = await readJsonObject<{ name?: unknown }>(req.request);
  const name = typeof body.name === 'string' ? body.name : '';
  const warning = validateIdentifier(name, 'team');
  if (typeof warning === 'string') throw new BadRequestError(warning);

  const team = req.team!;
  try {
    await req.ctx.pool.query('UPDATE teams SET name = $2 WHERE id = $1', [team.id, name]);
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) {
      throw new ConflictError(`team '${name}' already exists: choose another name`);
    }
    throw err;
  }
  req.log.info({ team: team.name, renamed_to: name }, 'team-renamed');
  return json(200, warning ? { warnings: [warning] } : {});
}

export async function destroyTeam(req: ApiRequest): Promise<Response> {
  const team = req.team!;
  const { pool } = req.ctx;

  // The last admin team cannot go: nobody could administer the installation afterwards.
  const admins = await pool.query<{ id: number }>('SELECT id FROM teams WHERE is_admin');
  const isAdminTeam = admins.rows.some((r) => r.id === team.id);
  if (isAdminTeam && admins.rows.length === 1) throw new ForbiddenError();

  await pool.query('DELETE FROM teams WHERE id = $1', [team.id]);
  req.log.info({ team: team.name }, 'team-destroyed');
  return empty(204);
}
