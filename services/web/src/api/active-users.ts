// GET /api/v1/users: `fly active-users`, everyone who logged in since a day (default two months).
import { BadRequestError } from '@jetbridge/api-types';
import { json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

const DEFAULT_WINDOW_MS = 60 * 24 * 60 * 60 * 1000;

function since(req: ApiRequest): Date {
  const raw = req.query.get('since');
  if (!raw) return new Date(Date.now() - DEFAULT_WINDOW_MS);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) {
    throw new BadRequestError(`since '${raw}' is not a date: use YYYY-MM-DD`);
  }
  return new Date(`${raw}T00:00:00Z`);
}

export async function listActiveUsers(req: ApiRequest): Promise<Response> {
  const rows = await req.ctx.pool.query<{
    id: number;
    username: string;
    connector: string;
    last_login: Date;
    sub: string;
  }>(
    `SELECT id, username, connector, last_login, sub FROM users
     WHERE last_login >= $1 ORDER BY last_login DESC, id`,
    [since(req)],
  );
  return json(
    200,
    rows.rows.map((u) => ({
      id: u.id,
      username: u.username,
      connector: u.connector,
      last_login: Math.floor(u.last_login.getTime() / 1000),
      sub: u.sub,
    })),
  );
}
