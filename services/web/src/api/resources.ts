// Resource routes: list, get, pin/unpin, pin comment, and check requests for the checker.
import { NotFoundError } from '@jetbridge/api-types';
import { channels, inTransaction } from '@jetbridge/db';
import { readJsonObject } from './body.ts';
import { findBuild } from './lookup.ts';
import { presentBuild } from './present/build.ts';
import { presentResource, type ResourceRow } from './present/resource.ts';
import { empty, json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

const RESOURCE_SELECT = `SELECT id, name, type, config, last_checked, pinned_version,
  pinned_in_config, pin_comment, config_hash FROM resources`;

export async function findResource(req: ApiRequest): Promise<ResourceRow> {
  const found = await req.ctx.pool.query<ResourceRow>(
    `${RESOURCE_SELECT} WHERE pipeline_id = $1 AND name = $2 AND active`,
    [req.pipeline!.id, req.params.resource_name],
  );
  const resource = found.rows[0];
  if (!resource) throw new NotFoundError(`resource '${req.params.resource_name}' not found`);
  return resource;
}

export async function listResources(req: ApiRequest): Promise<Response> {
  const found = await req.ctx.pool.query<ResourceRow>(
    `${RESOURCE_SELECT} WHERE pipeline_id = $1 AND active ORDER BY name`,
    [req.pipeline!.id],
  );
  return json(
    200,
    found.rows.map((r) => presentResource(r, req.pipeline!)),
  );
}

export async function getResource(req: ApiRequest): Promise<Response> {
  return json(200, presentResource(await findResource(req), req.pipeline!));
}

export async function unpinResource(req: ApiRequest): Promise<Response> {
  const resource = await findResource(req);
  await req.ctx.pool.query(
    `UPDATE resources SET pinned_version = NULL, pin_comment = NULL WHERE id = $1
       AND NOT pinned_in_config`,
    [resource.id],
  );
  await requestSchedule(req);
  return empty(200);
}

export async function setPinComment(req: ApiRequest): Promise<Response> {
  const resource = await findResource(req);
  const body = await readJsonObject<{ pin_comment?: unknown }>(req.request);
  await req.ctx.pool.query('UPDATE resources SET pin_comment = $2 WHERE id = $1', [
    resource.id,
    typeof body.pin_comment === 'string' ? body.pin_comment : null,
  ]);
  return empty(200);
}

export async function requestSchedule(req: ApiRequest): Promise<void> {
  await req.ctx.pool.query('UPDATE jobs SET schedule_requested = now() WHERE pipeline_id = $1', [
    req.pipeline!.id,
  ]);
  await req.ctx.wakeups.notify(channels.schedule, String(req.pipeline!.id));
}

interface CheckRequest {
  from?: Record<string, string> | null;
  shallow?: boolean;
}

/**
 * Queues a check as a pending build with `resource_id` (or `resource_type_id`) set; the checker
 * picks it up. The requested starting version travels in the build's plan.
 */
async function createCheckBuild(
  req: ApiRequest,
  target: { column: 'resource_id' | 'resource_type_id'; id: number; name: string; type: string },
): Promise<Response> {
  const body = await readJsonObject<CheckRequest>(req.request).catch(() => ({}) as CheckRequest);
  const createdBy = req.caller.kind === 'user' ? req.caller.displayId : null;
  const buildId = await inTransaction(req.ctx.pool, async (db) => {
    const inserted = await db.query<{ id: number }>(
      `INSERT INTO builds (team_id, pipeline_id, ${target.column}, name, status,
         manually_triggered, created_by, plan)
       VALUES ($1, $2, $3, nextval('one_off_name_seq')::text, 'pending', true, $4, $5)
       RETURNING id`,
      [
        req.team!.id,
        req.pipeline!.id,
        target.id,
        createdBy,
        JSON.stringify({
          id: 'check',
          check: {
            name: target.name,
            type: target.type,
            ...(body.from ? { from_version: body.from } : {}),
            ...(target.column === 'resource_id'
              ? { resource: target.name }
              : { resource_type: target.name }),
            skip_interval: true,
          },
        }),
      ],
    );
    return inserted.rows[0]!.id;
  });
  req.log.info({ build_id: buildId, target: target.name }, 'check-requested');
  await req.ctx.wakeups.notify(channels.checks, String(target.id));
  await req.ctx.wakeups.notify(channels.builds, String(buildId));
  return json(201, presentBuild((await findBuild(req.ctx.pool, buildId))!));
}

export async function checkResource(req: ApiRequest): Promise<Response> {
  const resource = await findResource(req);
  return createCheckBuild(req, {
    column: 'resource_id',
    id: resource.id,
    name: resource.name,
    type: resource.type,
  });
}

export async function checkResourceType(req: ApiRequest): Promise<Response> {
  const found = await req.ctx.pool.query<{ id: number; name: string; type: string }>(
    'SELECT id, name, type FROM resource_types WHERE pipeline_id = $1 AND name = $2 AND active',
    [req.pipeline!.id, req.params.resource_type_name],
  );
  const type = found.rows[0];
  if (!type) throw new NotFoundError(`resource type '${req.params.resource_type_name}' not found`);
  return createCheckBuild(req, { column: 'resource_type_id', ...type });
}

/** GET {P}/resource-types: the config form, as `fly execute -j` reads it. */
export async function listResourceTypes(req: ApiRequest): Promise<Response> {
  const found = await req.ctx.pool.query<{ config: unknown }>(
    'SELECT config FROM resource_types WHERE pipeline_id = $1 AND active ORDER BY name',
    [req.pipeline!.id],
  );
  return json(
    200,
    found.rows.map((r) => r.config),
  );
}
