// Job routes: list, get, pause, trigger (a pending build the scheduler starts, after re-checking
// the job's inputs), inputs, builds.
import { ConflictError, NotFoundError } from '@jetbridge/api-types';
import { channels, inTransaction, type PoolClient } from '@jetbridge/db';
import { summarizePipeline, type PipelineConfig } from '@jetbridge/pipeline';
import { isAuthorizedOn } from '../auth/caller.ts';
import { requestCheck } from '../checker/index.ts';
import { listBuildPage } from './build-pages.ts';
import { findBuild } from './lookup.ts';
import { presentBuild } from './present/build.ts';
import { presentJob, type JobRow } from './present/job.ts';
import { empty, json } from './respond.ts';
import { BUILD_SELECT, PIPELINE_SELECT, type BuildRow, type PipelineRow } from './rows.ts';
import type { ApiRequest } from './route-table.ts';

const JOB_SELECT = `SELECT id, pipeline_id, name, config, paused, paused_by, paused_at,
  has_new_inputs, first_logged_build_id FROM jobs`;

async function findJob(req: ApiRequest): Promise<JobRow> {
  const found = await req.ctx.pool.query<JobRow>(
    `${JOB_SELECT} WHERE pipeline_id = $1 AND name = $2 AND active`,
    [req.pipeline!.id, req.params.job_name],
  );
  const job = found.rows[0];
  if (!job) throw new NotFoundError(`job '${req.params.job_name}' not found`);
  return job;
}

async function jobBuilds(req: ApiRequest, jobId: number) {
  const next = await req.ctx.pool.query<BuildRow>(
    `${BUILD_SELECT} WHERE b.job_id = $1 AND b.status IN ('pending', 'started')
     ORDER BY b.id ASC LIMIT 1`,
    [jobId],
  );
  const finished = await req.ctx.pool.query<BuildRow>(
    `${BUILD_SELECT} WHERE b.job_id = $1 AND b.status NOT IN ('pending', 'started')
     ORDER BY b.id DESC LIMIT 1`,
    [jobId],
  );
  const last = finished.rows[0];
  // The transition build opens the current streak of the finished status.
  const transition = last
    ? await req.ctx.pool.query<BuildRow>(
        `${BUILD_SELECT} WHERE b.job_id = $1 AND b.status NOT IN ('pending', 'started')
         AND b.id > coalesce((SELECT max(id) FROM builds WHERE job_id = $1
           AND status NOT IN ('pending', 'started') AND status <> $2), 0)
         ORDER BY b.id ASC LIMIT 1`,
        [jobId, last.status],
      )
    : null;
  const first = transition?.rows[0];
  return {
    next: next.rows[0] ? presentBuild(next.rows[0]) : null,
    finished: last ? presentBuild(last) : null,
    transition: first ? presentBuild(first) : undefined,
  };
}

/** The active jobs of `pipelines`, presented in the pipelines' order, then the config's. */
async function presentJobsOf(req: ApiRequest, pipelines: PipelineRow[]) {
  const jobs = await req.ctx.pool.query<JobRow & { pipeline_id: number }>(
    `${JOB_SELECT} WHERE pipeline_id = ANY($1::int[]) AND active ORDER BY id`,
    [pipelines.map((p) => p.id)],
  );
  const out = [];
  for (const pipeline of pipelines) {
    for (const job of jobs.rows.filter((j) => j.pipeline_id === pipeline.id)) {
      out.push(presentJob(job, pipeline, await jobBuilds(req, job.id)));
    }
  }
  return out;
}

export async function listJobs(req: ApiRequest): Promise<Response> {
  return json(200, await presentJobsOf(req, [req.pipeline!]));
}

/** GET /api/v1/jobs: every active job of the pipelines the caller may see (public or its teams). */
export async function listAllJobs(req: ApiRequest): Promise<Response> {
  const pipelines = await req.ctx.pool.query<PipelineRow>(
    `${PIPELINE_SELECT} WHERE NOT p.archived ORDER BY t.name, p.ordering, p.name, p.id`,
  );
  const visible = pipelines.rows.filter(
    (p) => p.public || isAuthorizedOn(req.caller, p.team_name, 'viewer'),
  );
  return json(200, await presentJobsOf(req, visible));
}

export async function getJob(req: ApiRequest): Promise<Response> {
  const job = await findJob(req);
  return json(200, presentJob(job, req.pipeline!, await jobBuilds(req, job.id)));
}

export async function listJobBuilds(req: ApiRequest): Promise<Response> {
  const job = await findJob(req);
  return listBuildPage(req, {
    where: 'b.job_id = $1',
    params: [job.id],
    path: new URL(req.request.url).pathname,
  });
}

export async function getJobBuild(req: ApiRequest): Promise<Response> {
  const job = await findJob(req);
  const found = await req.ctx.pool.query<BuildRow>(
    `${BUILD_SELECT} WHERE b.job_id = $1 AND b.name = $2`,
    [job.id, req.params.build_name],
  );
  const build = found.rows[0];
  if (!build) throw new NotFoundError(`build '${req.params.build_name}' not found`);
  return json(200, presentBuild(build));
}

interface ResourceToCheck {
  id: number;
  name: string;
  type: string;
  config_pin: Record<string, string> | null;
  pinned_version: Record<string, string> | null;
}

function createdBy(req: ApiRequest): string | null {
  return req.caller.kind === 'user' ? req.caller.displayId : null;
}

/**
 * Requests a check of every resource the job gets, in the trigger's transaction: the scheduler
 * chooses the build's versions once they finished (a pinned resource is checked from its pin).
 */
async function requestInputChecks(db: PoolClient, req: ApiRequest, job: JobRow): Promise<void> {
  const config = { ...(req.pipeline!.config ?? {}), jobs: [job.config] } as PipelineConfig;
  const inputs = summarizePipeline(config).jobs[0]?.inputs ?? [];
  const resources = await db.query<ResourceToCheck>(
    `SELECT id, name, type, config->'version' AS config_pin, pinned_version FROM resources
     WHERE pipeline_id = $1 AND name = ANY($2::text[]) AND active ORDER BY id`,
    [req.pipeline!.id, [...new Set(inputs.map((i) => i.resource))]],
  );
  for (const resource of resources.rows) {
    const target = {
      kind: 'resource' as const,
      id: resource.id,
      name: resource.name,
      type: resource.type,
      teamId: req.team!.id,
      pipelineId: req.pipeline!.id,
    };
    await requestCheck(db, target, {
      from: resource.config_pin ?? resource.pinned_version,
      shallow: true,
      reusePending: true,
      createdBy: createdBy(req),
    });
  }
}

/** POST {J}/builds: a pending build named with the job's next number, for the scheduler. */
export async function triggerJob(req: ApiRequest): Promise<Response> {
  const job = await findJob(req);
  if (job.config.disable_manual_trigger) {
    throw new ConflictError(`manual triggering is disabled for job '${job.name}'`);
  }
  const buildId = await inTransaction(req.ctx.pool, async (db) => {
    const numbered = await db.query<{ n: number }>(
      `UPDATE jobs SET build_number_seq = build_number_seq + 1, schedule_requested = now()
       WHERE id = $1 RETURNING build_number_seq AS n`,
      [job.id],
    );
    const inserted = await db.query<{ id: number }>(
      `INSERT INTO builds (team_id, pipeline_id, job_id, name, status, manually_triggered, created_by)
       VALUES ($1, $2, $3, $4, 'pending', true, $5) RETURNING id`,
      [req.team!.id, req.pipeline!.id, job.id, String(numbered.rows[0]!.n), createdBy(req)],
    );
    await requestInputChecks(db, req, job);
    return inserted.rows[0]!.id;
  });
  req.log.info({ build_id: buildId, job: job.name }, 'job-triggered');
  await req.ctx.wakeups.notify(channels.schedule, String(req.pipeline!.id));
  return json(200, presentBuild((await findBuild(req.ctx.pool, buildId))!));
}

async function setJobPaused(req: ApiRequest, paused: boolean): Promise<Response> {
  const job = await findJob(req);
  const by = paused && req.caller.kind === 'user' ? req.caller.displayId : null;
  await req.ctx.pool.query(
    `UPDATE jobs SET paused = $2, paused_by = $3, paused_at = CASE WHEN $2 THEN now() END,
       schedule_requested = now() WHERE id = $1`,
    [job.id, paused, by],
  );
  if (!paused) await req.ctx.wakeups.notify(channels.schedule, String(req.pipeline!.id));
  return empty(200);
}

export const pauseJob = (req: ApiRequest) => setJobPaused(req, true);
export const unpauseJob = (req: ApiRequest) => setJobPaused(req, false);

/** GET {J}/inputs: what `fly execute -j` turns into get steps. */
export async function listJobInputs(req: ApiRequest): Promise<Response> {
  const job = await findJob(req);
  const found = await req.ctx.pool.query<{ inputs: Array<Record<string, unknown>> | null }>(
    `SELECT inputs FROM builds WHERE job_id = $1 AND inputs IS NOT NULL ORDER BY id DESC LIMIT 1`,
    [job.id],
  );
  const chosen = found.rows[0]?.inputs ?? [];
  const resources = await req.ctx.pool.query<{
    id: number;
    name: string;
    type: string;
    config: { source?: unknown; tags?: string[] };
  }>('SELECT id, name, type, config FROM resources WHERE pipeline_id = $1', [req.pipeline!.id]);
  const byId = new Map(resources.rows.map((r) => [r.id, r]));
  const inputs = chosen.flatMap((input) => {
    const resource = byId.get(input.resource_id as number);
    if (!resource) return [];
    return [
      {
        name: input.name,
        resource: resource.name,
        type: resource.type,
        source: resource.config.source ?? {},
        version: input.version ?? {},
        ...(resource.config.tags?.length ? { tags: resource.config.tags } : {}),
      },
    ];
  });
  return json(200, inputs);
}
