// Enforces a route's auth rule and loads the team, pipeline and build the path names, in the
// order Concourse answers: 401 before 403 before 404 for team routes, 404 first for pipeline reads.
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from '@jetbridge/api-types';
import { instanceVarsFromQuery } from '@jetbridge/pipeline';
import { isAuthorizedOn, type Caller } from '../auth/caller.ts';
import { findBuild, findPipeline, findTeam } from './lookup.ts';
import type { ApiRequest, Route } from './route-table.ts';
import { idParam } from './ids.ts';

function denied(caller: Caller): Error {
  return caller.kind === 'user' ? new ForbiddenError() : new UnauthorizedError();
}

function requireUser(caller: Caller): void {
  if (caller.kind !== 'user') throw new UnauthorizedError();
}

async function loadTeamAndPipeline(req: ApiRequest, route?: Route): Promise<void> {
  const { pool } = req.ctx;
  const teamName = req.params.team_name;
  if (teamName === undefined) return;
  req.team = await findTeam(pool, teamName);
  if (!req.team && route?.createsTeam) return;
  if (!req.team) throw new NotFoundError(`team '${teamName}' not found`);

  const pipelineName = req.params.pipeline_name;
  if (pipelineName === undefined) return;
  const vars = instanceVarsFromQuery(req.query);
  req.pipeline = await findPipeline(pool, req.team.id, pipelineName, vars);
  if (!req.pipeline && !route?.createsPipeline) {
    throw new NotFoundError(`pipeline '${pipelineName}' not found`);
  }
}

async function loadBuild(req: ApiRequest): Promise<void> {
  const raw = req.params.build_id ?? '';
  const id = idParam(raw, 'build id');
  req.build = id === null ? null : await findBuild(req.ctx.pool, id);
  if (!req.build) throw new NotFoundError(`build ${raw} not found`);
}

/** Whether `:job_name` is public; a job that does not exist is left to the handler's 404. */
async function isJobPublic(req: ApiRequest): Promise<boolean> {
  const found = await req.ctx.pool.query<{ public: boolean }>(
    'SELECT public FROM jobs WHERE pipeline_id = $1 AND name = $2',
    [req.pipeline!.id, req.params.job_name ?? ''],
  );
  return found.rows[0]?.public ?? true;
}

function isAdmin(caller: Caller): boolean {
  return caller.kind === 'user' && caller.isAdmin;
}

/** Throws the typed error the rule calls for; on success the request carries what it names. */
export async function authorize(route: Route, req: ApiRequest): Promise<void> {
  const { caller } = req;
  if (caller.kind === 'invalid') throw new UnauthorizedError();
  const rule = route.auth;

  switch (rule.kind) {
    case 'open':
      await loadTeamAndPipeline(req);
      break;
    case 'authn':
      requireUser(caller);
      break;
    case 'admin':
      requireUser(caller);
      if (!isAdmin(caller)) throw new ForbiddenError();
      await loadTeamAndPipeline(req);
      break;
    case 'any-team':
      requireUser(caller);
      if (caller.kind === 'user' && !caller.isAdmin && caller.teams.size === 0) {
        throw new ForbiddenError();
      }
      break;
    case 'team':
      requireUser(caller);
      if (!isAuthorizedOn(caller, req.params.team_name ?? '', rule.role))
        throw new ForbiddenError();
      await loadTeamAndPipeline(req, route);
      break;
    case 'pipeline': {
      await loadTeamAndPipeline(req);
      if (isAuthorizedOn(caller, req.team!.name, rule.role)) break;
      if (!req.pipeline!.public) throw denied(caller);
      if (rule.jobPublic && !(await isJobPublic(req))) throw denied(caller);
      break;
    }
    case 'build-read': {
      await loadBuild(req);
      const build = req.build!;
      const viaPublic =
        build.pipeline_public === true && (!rule.jobPublic || build.job_public === true);
      if (!isAuthorizedOn(caller, build.team_name, 'viewer') && !viaPublic) throw denied(caller);
      break;
    }
    case 'build-write':
      requireUser(caller);
      await loadBuild(req);
      if (!isAuthorizedOn(caller, req.build!.team_name, rule.role)) throw new ForbiddenError();
      break;
  }

  if (route.rejectArchived && req.pipeline?.archived) {
    throw new ConflictError('action not allowed for an archived pipeline');
  }
}
