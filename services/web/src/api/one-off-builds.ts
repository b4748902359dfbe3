// `fly execute`: one-off builds created started from a client plan, and the artifacts they output.
import { BadRequestError } from '@jetbridge/api-types';
import { inTransaction } from '@jetbridge/db';
import { createOneOffBuild } from '../builds/index.ts';
import { readJson } from './body.ts';
import { findBuild } from './lookup.ts';
import { presentBuild } from './present/build.ts';
import { json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

const PLAN_LIMIT = 10 * 1024 * 1024;

async function createBuild(req: ApiRequest, pipelineId: number | null): Promise<Response> {
  const plan = await readJson<unknown>(req.request, PLAN_LIMIT);
  if (plan === null || typeof plan !== 'object' || Array.isArray(plan)) {
    throw new BadRequestError('the build plan must be a JSON object');
  }
  const createdBy = req.caller.kind === 'user' ? req.caller.displayId : null;
  const created = await inTransaction(req.ctx.pool, (db) =>
    createOneOffBuild(db, { teamId: req.team!.id, plan, pipelineId, createdBy }),
  );
  req.log.info({ build_id: created.id }, 'one-off-build-created');
  return json(201, presentBuild((await findBuild(req.ctx.pool, created.id))!));
}

export const createTeamBuild = (req: ApiRequest) => createBuild(req, null);
export const createPipelineBuild = (req: ApiRequest) => createBuild(req, req.pipeline!.id);

export async function listBuildArtifacts(req: ApiRequest): Promise<Response> {
  const found = await req.ctx.pool.query<{
    id: number;
    name: string;
    build_id: number | null;
    created_at: Date;
  }>('SELECT id, name, build_id, created_at FROM artifacts WHERE build_id = $1 ORDER BY id', [
    req.build!.id,
  ]);
  return json(
    200,
    found.rows.map((a) => ({
      id: a.id,
      name: a.name,
      build_id: a.build_id ?? 0,
      created_at: Math.floor(a.created_at.getTime() / 1000),
    })),
  );
}
