// Pipeline routes: listing, reading and the state changes fly makes (pause, expose, archive, ...).
import { BadRequestError } from '@jetbridge/api-types';
import { channels } from '@jetbridge/db';
import { validateIdentifier } from '@jetbridge/pipeline';
import { isAuthorizedOn } from '../auth/caller.ts';
import { readJson, readJsonObject } from './body.ts';
import { checkPipelineNameAddressable } from './pipeline-name.ts';
import { presentPipeline } from './present/pipeline.ts';
import { empty, json, text } from './respond.ts';
import { PIPELINE_SELECT, type PipelineRow } from './rows.ts';
import type { ApiRequest } from './route-table.ts';

const ORDER = 'ORDER BY t.name, p.ordering, p.name, p.id';

export async function listTeamPipelines(req: ApiRequest): Promise<Response> {
  const team = req.team!;
  const all = isAuthorizedOn(req.caller, team.name, 'viewer');
  const rows = await req.ctx.pool.query<PipelineRow>(
    `${PIPELINE_SELECT} WHERE p.team_id = $1 AND ($2 OR p.public) ${ORDER}`,
    [team.id, all],
  );
  return json(200, rows.rows.map(presentPipeline));
}

export async function listAllPipelines(req: ApiRequest): Promise<Response> {
  const rows = await req.ctx.pool.query<PipelineRow>(`${PIPELINE_SELECT} ${ORDER}`);
  const visible = rows.rows.filter(
    (p) => p.public || isAuthorizedOn(req.caller, p.team_name, 'viewer'),
  );
  return json(200, visible.map(presentPipeline));
}

export async function getPipeline(req: ApiRequest): Promise<Response> {
  return json(200, presentPipeline(req.pipeline!));
}

export async function deletePipeline(req: ApiRequest): Promise<Response> {
  const running = await req.ctx.pool.query<{ id: number }>(
    `DELETE FROM builds WHERE pipeline_id = $1 AND status IN ('pending', 'started') RETURNING id`,
    [req.pipeline!.id],
  );
  await req.ctx.pool.query('DELETE FROM pipelines WHERE id = $1', [req.pipeline!.id]);
  // The pipeline's running builds went with it: their steps must not run on unobserved.
  for (const { id } of running.rows) {
    await req.ctx.bus.publishAbort({ v: 1, buildId: id, reason: 'aborted' });
  }
  req.log.info({ pipeline_id: req.pipeline!.id, aborted: running.rowCount }, 'pipeline-deleted');
  return empty(204);
}

function displayId(req: ApiRequest): string | null {
  return req.caller.kind === 'user' ? req.caller.displayId : null;
}

async function updatePipeline(req: ApiRequest, set: string, values: unknown[] = []) {
  await req.ctx.pool.query(`UPDATE pipelines SET ${set}, last_updated = now() WHERE id = $1`, [
    req.pipeline!.id,
    ...values,
  ]);
}

export async function pausePipeline(req: ApiRequest): Promise<Response> {
  await updatePipeline(req, 'paused = true, paused_by = $2, paused_at = now()', [displayId(req)]);
  return empty(200);
}

export async function unpausePipeline(req: ApiRequest): Promise<Response> {
  await updatePipeline(req, 'paused = false, paused_by = NULL, paused_at = NULL');
  await req.ctx.pool.query('UPDATE jobs SET schedule_requested = now() WHERE pipeline_id = $1', [
    req.pipeline!.id,
  ]);
  await req.ctx.wakeups.notify(channels.schedule, String(req.pipeline!.id));
  return empty(200);
}

export async function exposePipeline(req: ApiRequest): Promise<Response> {
  await updatePipeline(req, 'public = true');
  return empty(200);
}

export async function hidePipeline(req: ApiRequest): Promise<Response> {
  await updatePipeline(req, 'public = false');
  return empty(200);
}

/** Archiving pauses, drops the config and resets the config version, as Concourse does. */
export async function archivePipeline(req: ApiRequest): Promise<Response> {
  await updatePipeline(
    req,
    `archived = true, paused = true, paused_by = 'automatic-pipeline-archiver',
     paused_at = now(), config = NULL, config_version = 0`,
  );
  await req.ctx.pool.query('UPDATE jobs SET active = false WHERE pipeline_id = $1', [
    req.pipeline!.id,
  ]);
  return empty(200);
}

export async function renamePipeline(req: ApiRequest): Promise<Response> {
  const body = await readJsonObject<{ name?: unknown }>(req.request);
  const name = typeof body.name === 'string' ? body.name : '';
  const result = validateIdentifier(name, 'pipeline');
  if (typeof result === 'string') throw new BadRequestError(result);
  checkPipelineNameAddressable(name);
  await updatePipeline(req, 'name = $2', [name]);
  return json(200, result ? { warnings: [result] } : {});
}

/** PUT {T}/pipelines/ordering: a list of names, put first in that order. */
export async function orderPipelines(req: ApiRequest): Promise<Response> {
  const names = await readJson<unknown>(req.request);
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    return text(400, 'ordering must be a JSON array of pipeline names');
  }
  const team = req.team!;
  const known = await req.ctx.pool.query<{ name: string }>(
    'SELECT DISTINCT name FROM pipelines WHERE team_id = $1',
    [team.id],
  );
  const knownNames = new Set(known.rows.map((r) => r.name));
  const missing = (names as string[]).find((n) => !knownNames.has(n));
  if (missing !== undefined) return text(400, `pipeline '${missing}' not found`);

  await req.ctx.pool.query(
    `UPDATE pipelines p SET ordering = o.position
     FROM unnest($2::text[]) WITH ORDINALITY AS o(name, position)
     WHERE p.team_id = $1 AND p.name = o.name`,
    [team.id, names],
  );
  return empty(200);
}
