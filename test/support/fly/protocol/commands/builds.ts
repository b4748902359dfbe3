// Build commands: trigger-job, rerun-build, watch, abort-build.
import type { Command, CommandContext } from '../context.ts';
import { loadTarget, TEAM_FLAG } from '../context.ts';
import { instanceVarsQuery, parseJobFlag, pipelineRefString } from '../refs.ts';
import type { JobRef } from '../refs.ts';
import type { Target } from '../target.ts';
import { isNotFound } from '../target.ts';
import { FlyExit } from '../errors.ts';
import { openBuildEvents, renderBuild } from '../events/render.ts';

const JOB = '/api/v1/teams/:team_name/pipelines/:pipeline_name/jobs/:job_name';

export interface Build {
  id: number;
  name: string;
  status: string;
  team_name?: string;
  job_name?: string;
  pipeline_name?: string;
  pipeline_instance_vars?: Record<string, unknown>;
  start_time?: number;
  end_time?: number;
  created_by?: string | null;
  resource_name?: string;
}

async function jobParams(target: Target, ref: JobRef) {
  return {
    params: {
      team_name: target.team,
      pipeline_name: ref.pipeline.name,
      job_name: ref.job,
    } as Record<string, string>,
    query: await instanceVarsQuery(ref.pipeline),
  };
}

/** Streams a build's events to stdout and ends the run with the render's exit code. */
export async function watchBuild(
  ctx: CommandContext,
  target: Target,
  buildId: number,
): Promise<never> {
  const source = await openBuildEvents(target, String(buildId));
  const code = await renderBuild(ctx.io, source, {
    ignoreEventParsingErrors: ctx.flags.bool('ignore-event-parsing-errors'),
  });
  source.close();
  throw new FlyExit(code);
}

async function startAndMaybeWatch(ctx: CommandContext, target: Target, ref: JobRef, build: Build) {
  const refText = pipelineRefString(ref.pipeline);
  ctx.io.println(`started ${refText}/${ref.job} #${build.name}`);
  if (!ctx.flags.bool('watch')) return;
  ctx.io.onInterrupt(() => {
    ctx.io.eprint('\ndetached, build is still running...\n');
    ctx.io.eprint('re-attach to it with:\n\n');
    ctx.io.eprint(
      `    fly -t ${ctx.targetName} watch -j ${refText}/${ref.job} -b ${build.name}\n\n`,
    );
    ctx.io.abort.abort(new FlyExit(2));
  });
  ctx.io.println('');
  await watchBuild(ctx, target, build.id);
}

export const triggerJobCommand: Command = {
  name: 'trigger-job',
  aliases: ['tj'],
  flags: [
    { long: 'job', short: 'j', kind: 'string', required: true },
    { long: 'watch', short: 'w', kind: 'bool' },
    TEAM_FLAG,
  ],
  async run(ctx) {
    const ref = parseJobFlag(ctx.flags.str('job') as string);
    const target = await loadTarget(ctx);
    const build = await target.json<Build>('POST', `${JOB}/builds`, await jobParams(target, ref));
    await startAndMaybeWatch(ctx, target, ref, build);
  },
};

export const rerunBuildCommand: Command = {
  name: 'rerun-build',
  aliases: ['rb'],
  flags: [
    { long: 'job', short: 'j', kind: 'string', required: true },
    { long: 'build', short: 'b', kind: 'string', required: true },
    { long: 'watch', short: 'w', kind: 'bool' },
    TEAM_FLAG,
  ],
  async run(ctx) {
    const ref = parseJobFlag(ctx.flags.str('job') as string);
    const target = await loadTarget(ctx);
    const opts = await jobParams(target, ref);
    opts.params = { ...opts.params, build_name: ctx.flags.str('build') as string };
    const build = await target.json<Build>('POST', `${JOB}/builds/:build_name`, opts);
    await startAndMaybeWatch(ctx, target, ref, build);
  },
};

/** The newest one-off build, paging through /api/v1/builds like fly does. */
async function latestOneOff(target: Target): Promise<Build> {
  let query: Array<[string, string]> = [['limit', '100']];
  for (;;) {
    const { result, response } = await target.call<Build[] | null>('GET', '/api/v1/builds', {
      query,
    });
    const found = (result ?? []).find((b) => !b.job_name);
    if (found) return found;
    const link = String(response.headers.link ?? '').match(/<([^>]*)>;\s*rel="next"/);
    if (!link) throw new Error('no builds match job');
    const next = new URL(link[1] as string, target.url).searchParams;
    query = [...next.entries()].filter(([k]) => ['from', 'to', 'limit'].includes(k));
  }
}

export const watchCommand: Command = {
  name: 'watch',
  aliases: ['w'],
  flags: [
    { long: 'job', short: 'j', kind: 'string' },
    { long: 'build', short: 'b', kind: 'string' },
    { long: 'timestamps', short: 't', kind: 'bool' },
    { long: 'ignore-event-parsing-errors', kind: 'bool' },
    TEAM_FLAG,
  ],
  async run(ctx) {
    const target = await loadTarget(ctx);
    const jobFlag = ctx.flags.str('job');
    const buildFlag = ctx.flags.str('build');
    let buildId: number;
    if (jobFlag !== undefined) {
      const ref = parseJobFlag(jobFlag);
      const opts = await jobParams(target, ref);
      if (buildFlag !== undefined) {
        opts.params = { ...opts.params, build_name: buildFlag };
        try {
          buildId = (await target.json<Build>('GET', `${JOB}/builds/:build_name`, opts)).id;
        } catch (err) {
          if (isNotFound(err)) throw new Error('build not found');
          throw err;
        }
      } else {
        const job = await target.json<{ next_build: Build | null; finished_build: Build | null }>(
          'GET',
          JOB,
          opts,
        );
        const build = job.next_build ?? job.finished_build;
        if (!build) throw new Error('job has no builds');
        buildId = build.id;
      }
    } else if (buildFlag !== undefined) {
      buildId = Number.parseInt(buildFlag, 10);
      if (!Number.isInteger(buildId))
        throw new Error(`strconv.Atoi: parsing "${buildFlag}": invalid syntax`);
    } else {
      buildId = (await latestOneOff(target)).id;
    }
    await watchBuild(ctx, target, buildId);
  },
};

export const abortBuildCommand: Command = {
  name: 'abort-build',
  aliases: ['ab'],
  flags: [
    { long: 'job', short: 'j', kind: 'string' },
    { long: 'build', short: 'b', kind: 'string', required: true },
    { long: 'force', kind: 'bool' },
    TEAM_FLAG,
  ],
  async run(ctx) {
    const target = await loadTarget(ctx);
    const buildFlag = ctx.flags.str('build') as string;
    const jobFlag = ctx.flags.str('job');
    let build: Build;
    try {
      if (jobFlag === undefined) {
        build = await target.json<Build>('GET', '/api/v1/builds/:build_id', {
          params: { build_id: buildFlag },
        });
      } else {
        const opts = await jobParams(target, parseJobFlag(jobFlag));
        opts.params = { ...opts.params, build_name: buildFlag };
        build = await target.json<Build>('GET', `${JOB}/builds/:build_name`, opts);
      }
    } catch (err) {
      if (isNotFound(err)) throw new Error('build does not exist');
      throw err;
    }
    await target.json('PUT', '/api/v1/builds/:build_id/abort', {
      params: { build_id: String(build.id) },
      query: ctx.flags.bool('force') ? [['force', '']] : [],
    });
    ctx.io.println('build successfully aborted');
  },
};
