// Build routes: lists, a build, its public plan, its comment, and abort.
import { channels, inTransaction } from '@jetbridge/db';
import { toPublicPlan, type Plan } from '@jetbridge/pipeline';
import { BadRequestError, NotFoundError } from '@jetbridge/api-types';
import { finishBuild } from '../builds/index.ts';
import { buildPreparation } from '../scheduler/index.ts';
import { readJsonObject } from './body.ts';
import { listBuildPage } from './build-pages.ts';
import { presentBuild } from './present/build.ts';
import { empty, json } from './respond.ts';
import { isAuthorizedOn } from '../auth/caller.ts';
import type { ApiRequest } from './route-table.ts';

function pathOf(req: ApiRequest): string {
  return new URL(req.request.url).pathname;
}

/** GET /api/v1/builds: builds of the caller's teams and of public pipelines. */
export async function listAllBuilds(req: ApiRequest): Promise<Response> {
  const caller = req.caller;
  if (caller.kind === 'user' && caller.isAdmin) {
    return listBuildPage(req, { where: 'true', params: [], path: pathOf(req) });
  }
  const teams = caller.kind === 'user' ? [...caller.teams.keys()] : [];
  return listBuildPage(req, {
    where: '(t.name = ANY($1) OR (p.public AND j.public))',
    params: [teams],
    path: pathOf(req),
  });
}

export async function listTeamBuilds(req: ApiRequest): Promise<Response> {
  return listBuildPage(req, { where: 'b.team_id = $1', params: [req.team!.id], path: pathOf(req) });
}

export async function listPipelineBuilds(req: ApiRequest): Promise<Response> {
  // Through a public pipeline alone, only the builds of public jobs show.
  const viaPublic = !isAuthorizedOn(req.caller, req.pipeline!.team_name, 'viewer');
  return listBuildPage(req, {
    where: viaPublic ? 'b.pipeline_id = $1 AND j.public' : 'b.pipeline_id = $1',
    params: [req.pipeline!.id],
    path: pathOf(req),
  });
}

export async function getBuild(req: ApiRequest): Promise<Response> {
  return json(200, presentBuild(req.build!));
}

export async function getBuildPlan(req: ApiRequest): Promise<Response> {
  const plan = req.build!.plan as Plan | null;
  if (!plan) throw new NotFoundError(`build ${req.build!.id} has no plan yet`);
  return json(200, toPublicPlan(plan));
}

/** GET /api/v1/builds/:id/preparation: what keeps a pending job build from starting. */
export async function getBuildPreparation(req: ApiRequest): Promise<Response> {
  return json(200, await buildPreparation(req.ctx.pool, req.build!.id));
}

/**
 * PUT /api/v1/builds/:id/abort marks the build aborted for the engine or scheduler to finish;
 * with `?force` a pending or started build is finished as aborted at once and its running steps
 * are told to stop.
 */
export async function abortBuild(req: ApiRequest): Promise<Response> {
  const build = req.build!;
  const force = req.query.has('force');
  await inTransaction(req.ctx.pool, async (db) => {
    await db.query('UPDATE builds SET aborted = true WHERE id = $1', [build.id]);
    if (force) await finishBuild(db, build.id, 'aborted');
  });
  req.log.info({ build_id: build.id, force }, 'build-aborted');
  // A forced abort finishes the build without its engine: stop its steps directly.
  if (force) await req.ctx.bus.publishAbort({ v: 1, buildId: build.id, reason: 'aborted' });
  await req.ctx.wakeups.notify(channels.builds, String(build.id));
  return empty(204);
}

/** PUT /api/v1/builds/:id/comment with `{"comment": "..."}`; an absent comment clears it. */
export async function setBuildComment(req: ApiRequest): Promise<Response> {
  const body = await readJsonObject<{ comment?: unknown }>(req.request);
  const comment = body.comment ?? '';
  if (typeof comment !== 'string') throw new BadRequestError('comment must be a string');
  await req.ctx.pool.query('UPDATE builds SET comment = $2 WHERE id = $1', [
    req.build!.id,
    comment === '' ? null : comment,
  ]);
  return empty(200);
}
