// Resource routes: list, get, pin/unpin, pin comment, and check requests for the checker.
import { BadRequestError, NotFoundError } from '@jetbridge/api-types';
import { channels, inTransaction } from '@jetbridge/db';
import { isAuthorizedOn } from '../auth/caller.ts';
import { requestCheck, type CheckTarget } from '../checker/index.ts';
import { readJson, readJsonObject } from './body.ts';
import { findBuild } from './lookup.ts';
import { presentBuild } from './present/build.ts';
import { presentResource, type ResourceRow } from './present/resource.ts';
import { empty, json } from './respond.ts';
import { BUILD_SELECT, PIPELINE_SELECT, type BuildRow, type PipelineRow } from './rows.ts';
import type { ApiRequest } from './route-table.ts';

const RESOURCE_SELECT = `SELECT id, pipeline_id, name, type, config, last_checked, pinned_version,
  pinned_in_config, pin_comment, config_hash, last_check_build_id FROM resources`;

export async function findResource(req: ApiRequest): Promise<ResourceRow> {
  const found = await req.ctx.pool.query<ResourceRow>(
    `${RESOURCE_SELECT} WHERE pipeline_id = $1 AND name = $2 AND active`,
    [req.pipeline!.id, req.params.resource_name],
  );
  const resource = found.rows[0];
  if (!resource) throw new NotFoundError(`resource '${req.params.resource_name}' not found`);
  return resource;
}

/** Presents resources with their pipelines and last check builds, in the order given. */
async function presentResources(
  req: ApiRequest,
  resources: ResourceRow[],
  pipelines: PipelineRow[],
) {
  const checks = await req.ctx.pool.query<BuildRow>(`${BUILD_SELECT} WHERE b.id = ANY($1::int[])`, [
    resources.flatMap((r) => (r.last_check_build_id === null ? [] : [r.last_check_build_id])),
  ]);
  const checkById = new Map(checks.rows.map((b) => [b.id, b]));
  const pipelineById = new Map(pipelines.map((p) => [p.id, p]));
  return resources.map((r) => {
    const check = r.last_check_build_id === null ? undefined : checkById.get(r.last_check_build_id);
    return presentResource(r, pipelineById.get(r.pipeline_id)!, check && presentBuild(check));
  });
}

export async function listResources(req: ApiRequest): Promise<Response> {
  const found = await req.ctx.pool.query<ResourceRow>(
    `${RESOURCE_SELECT} WHERE pipeline_id = $1 AND active ORDER BY name`,
    [req.pipeline!.id],
  );
  return json(200, await presentResources(req, found.rows, [req.pipeline!]));
}

/** GET /api/v1/resources: the active resources of every pipeline the caller may see. */
export async function listAllResources(req: ApiRequest): Promise<Response> {
  const pipelines = await req.ctx.pool.query<PipelineRow>(
    `${PIPELINE_SELECT} WHERE NOT p.archived`,
  );
  const visible = pipelines.rows.filter(
    (p) => p.public || isAuthorizedOn(req.caller, p.team_name, 'viewer'),
  );
  const found = await req.ctx.pool.query<ResourceRow>(
    `${RESOURCE_SELECT} WHERE pipeline_id = ANY($1::int[]) AND active ORDER BY id`,
    [visible.map((p) => p.id)],
  );
  return json(200, await presentResources(req, found.rows, visible));
}

export async function getResource(req: ApiRequest): Promise<Response> {
  const [resource] = await presentResources(req, [await findResource(req)], [req.pipeline!]);
  return json(200, resource);
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

interface CheckRequestBody {
  from: Record<string, string> | null;
  shallow: boolean;
}

/** `{"from": <version or null>, "shallow": <bool>}` as fly sends it; `null` is an empty request. */
async function readCheckRequest(request: Request): Promise<CheckRequestBody> {
  const body = await readJson<unknown>(request);
  if (body === null) return { from: null, shallow: false };
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError('request body must be a JSON object');
  }
  const { from = null, shallow = false } = body as { from?: unknown; shallow?: unknown };
  const isVersion =
    from === null ||
    (typeof from === 'object' &&
      !Array.isArray(from) &&
      Object.values(from).every((v) => typeof v === 'string'));
  if (!isVersion) throw new BadRequestError('from must be a version: an object of strings');
  if (typeof shallow !== 'boolean') throw new BadRequestError('shallow must be true or false');
  return { from: from as Record<string, string> | null, shallow };
}

function checkTarget(req: ApiRequest, row: Omit<CheckTarget, 'teamId' | 'pipelineId'>) {
  return { ...row, teamId: req.team!.id, pipelineId: req.pipeline!.id };
}

/**
 * Queues a check the checker starts as soon as no other check of the scope runs: a pending
 * check build, answered with 201. Unless `shallow`, the custom types below it are re-checked
 * first. The requested starting version travels in the build's plan.
 */
async function createCheckBuild(req: ApiRequest, target: CheckTarget): Promise<Response> {
  const body = await readCheckRequest(req.request);
  const buildId = await inTransaction(req.ctx.pool, (db) =>
    requestCheck(db, target, {
      from: body.from,
      shallow: body.shallow,
      createdBy: req.caller.kind === 'user' ? req.caller.displayId : null,
    }),
  );
  req.log.info({ build_id: buildId, target: target.name }, 'check-requested');
  return json(201, presentBuild((await findBuild(req.ctx.pool, buildId))!));
}

export async function checkResource(req: ApiRequest): Promise<Response> {
  const resource = await findResource(req);
  return createCheckBuild(
    req,
    checkTarget(req, {
      kind: 'resource',
      id: resource.id,
      name: resource.name,
      type: resource.type,
    }),
  );
}

export async function checkResourceType(req: ApiRequest): Promise<Response> {
  const found = await req.ctx.pool.query<{ id: number; name: string; type: string }>(
    'SELECT id, name, type FROM resource_types WHERE pipeline_id = $1 AND name = $2 AND active',
    [req.pipeline!.id, req.params.resource_type_name],
  );
  const type = found.rows[0];
  if (!type) throw new NotFoundError(`resource type '${req.params.resource_type_name}' not found`);
  return createCheckBuild(req, checkTarget(req, { kind: 'resource_type', ...type }));
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
