// The wall message shown to every user, and the server's log level.
import { BadRequestError } from '@jetbridge/api-types';
import { readBody, readJsonObject } from './body.ts';
import { empty, json, text } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

const NANOS_PER_MS = 1_000_000;

export async function getWall(req: ApiRequest): Promise<Response> {
  const found = await req.ctx.pool.query<{ message: string; ttl_ms: number | null }>(
    `SELECT message, (extract(epoch FROM expires_at - now()) * 1000)::bigint AS ttl_ms FROM wall
     WHERE expires_at IS NULL OR expires_at > now()`,
  );
  const wall = found.rows[0];
  if (!wall) return json(200, {});
  const ttl = wall.ttl_ms === null ? undefined : Number(wall.ttl_ms) * NANOS_PER_MS;
  return json(200, { message: wall.message, ...(ttl ? { TTL: ttl } : {}) });
}

export async function setWall(req: ApiRequest): Promise<Response> {
  const body = await readJsonObject<{ message?: unknown; TTL?: unknown }>(req.request);
  const message = typeof body.message === 'string' ? body.message : '';
  const ttlMs = typeof body.TTL === 'number' && body.TTL > 0 ? body.TTL / NANOS_PER_MS : null;
  await req.ctx.pool.query(
    `INSERT INTO wall (id, message, expires_at)
     VALUES (true, $1, CASE WHEN $2::float8 IS NULL THEN NULL
       ELSE now() + $2::float8 * interval '1 millisecond' END)
     ON CONFLICT (id) DO UPDATE SET message = excluded.message, expires_at = excluded.expires_at`,
    [message, ttlMs],
  );
  return empty(200);
}

export async function clearWall(req: ApiRequest): Promise<Response> {
  await req.ctx.pool.query('DELETE FROM wall');
  return empty(200);
}

const LEVELS = new Set(['debug', 'info', 'error', 'fatal']);

export async function getLogLevel(req: ApiRequest): Promise<Response> {
  return text(200, req.ctx.logger.level);
}

export async function setLogLevel(req: ApiRequest): Promise<Response> {
  const level = Buffer.from(await readBody(req.request, 64))
    .toString('utf8')
    .trim();
  if (!LEVELS.has(level)) {
    throw new BadRequestError(`log level '${level}' is not one of debug, info, error, fatal`);
  }
  req.ctx.logger.level = level;
  return empty(200);
}
