// Pipeline commands that are one or two calls: get, list, pause/unpause, expose/hide, destroy, jobs.
import { stringify } from 'yaml';
import type { Command, CommandContext } from '../context.ts';
import { loadTarget, TEAM_FLAG } from '../context.ts';
import { instanceVarsQuery, parseJobFlag, parsePipelineFlag, pipelineRefString } from '../refs.ts';
import { isNotFound } from '../target.ts';
import { renderTable } from '../table.ts';

const PIPELINE = '/api/v1/teams/:team_name/pipelines/:pipeline_name';
const PIPELINE_FLAG = { long: 'pipeline', short: 'p', kind: 'string', required: true } as const;

async function pipelineCall(ctx: CommandContext, method: string, suffix: string) {
  const ref = parsePipelineFlag(ctx.flags.str('pipeline') as string);
  const target = await loadTarget(ctx);
  const opts = {
    params: { team_name: target.team, pipeline_name: ref.name },
    query: await instanceVarsQuery(ref),
  };
  return { ref, target, call: () => target.json(method, `${PIPELINE}${suffix}`, opts) };
}

function simplePipelineCommand(name: string, suffix: string, done: string): Command {
  return {
    name,
    flags: [PIPELINE_FLAG, TEAM_FLAG],
    async run(ctx) {
      const { ref, call } = await pipelineCall(ctx, 'PUT', suffix);
      try {
        await call();
      } catch (err) {
        if (isNotFound(err)) throw new Error(`pipeline '${pipelineRefString(ref)}' not found`);
        throw err;
      }
      ctx.io.println(`${done.replace('%s', pipelineRefString(ref))}`);
    },
  };
}

export const pausePipelineCommand = simplePipelineCommand(
  'pause-pipeline',
  '/pause',
  "paused '%s'",
);
export const unpausePipelineCommand = simplePipelineCommand(
  'unpause-pipeline',
  '/unpause',
  "unpaused '%s'",
);
export const exposePipelineCommand = simplePipelineCommand(
  'expose-pipeline',
  '/expose',
  "exposed '%s'",
);
export const hidePipelineCommand = simplePipelineCommand('hide-pipeline', '/hide', "hid '%s'");

export const getPipelineCommand: Command = {
  name: 'get-pipeline',
  flags: [PIPELINE_FLAG, { long: 'json', short: 'j', kind: 'bool' }, TEAM_FLAG],
  async run(ctx) {
    const { call } = await pipelineCall(ctx, 'GET', '/config');
    let config: unknown;
    try {
      config = ((await call()) as { config: unknown }).config;
    } catch (err) {
      if (isNotFound(err)) throw new Error('pipeline not found');
      throw err;
    }
    if (ctx.flags.bool('json')) ctx.io.println(JSON.stringify(config, null, '  '));
    else ctx.io.print(stringify(config, { sortMapEntries: true, lineWidth: 0 }));
  },
};

export const destroyPipelineCommand: Command = {
  name: 'destroy-pipeline',
  flags: [PIPELINE_FLAG, { long: 'non-interactive', short: 'n', kind: 'bool' }, TEAM_FLAG],
  async run(ctx) {
    const { ref, target } = await pipelineCall(ctx, 'GET', '');
    const opts = {
      params: { team_name: target.team, pipeline_name: ref.name },
      query: await instanceVarsQuery(ref),
    };
    ctx.io.println('!!! this will remove all data for the pipeline');
    ctx.io.println('');
    try {
      await target.json('GET', PIPELINE, opts);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      ctx.io.println(`\`${pipelineRefString(ref)}\` does not exist`);
      return;
    }
    if (!ctx.flags.bool('non-interactive')) {
      const answer = (ctx.io.stdin ?? '').trim();
      ctx.io.print(`are you sure? [yN]: `);
      if (answer !== 'y' && answer !== 'yes') {
        ctx.io.println('bailing out');
        return;
      }
    }
    await target.json('DELETE', PIPELINE, opts);
    ctx.io.println(`\`${pipelineRefString(ref)}\` deleted`);
  },
};

export const pipelinesCommand: Command = {
  name: 'pipelines',
  aliases: ['ps'],
  flags: [
    { long: 'all', short: 'a', kind: 'bool' },
    { long: 'json', kind: 'bool' },
    { long: 'include-archived', kind: 'bool' },
    TEAM_FLAG,
  ],
  async run(ctx) {
    const target = await loadTarget(ctx);
    const all = ctx.flags.bool('all');
    const list =
      (all
        ? await target.json<Array<Record<string, unknown>>>('GET', '/api/v1/pipelines')
        : await target.json<Array<Record<string, unknown>>>(
            'GET',
            '/api/v1/teams/:team_name/pipelines',
            {
              params: { team_name: target.team },
            },
          )) ?? [];
    const shown = list.filter((p) => ctx.flags.bool('include-archived') || !p.archived);
    if (ctx.flags.bool('json')) {
      ctx.io.println(JSON.stringify(shown, null, '  '));
      return;
    }
    const rows = shown.map((p) => {
      const name = pipelineRefString({
        name: String(p.name),
        instanceVars: p.instance_vars as never,
      });
      return [
        String(p.id),
        name,
        ...(all ? [String(p.team_name)] : []),
        p.paused ? 'yes' : 'no',
        p.public ? 'yes' : 'no',
      ];
    });
    const headers = ['id', 'name', ...(all ? ['team'] : []), 'paused', 'public'];
    renderTable(ctx.io, headers, rows, ctx.printTableHeaders);
  },
};

export const jobsCommand: Command = {
  name: 'jobs',
  aliases: ['js'],
  flags: [PIPELINE_FLAG, { long: 'json', kind: 'bool' }, TEAM_FLAG],
  async run(ctx) {
    const { call } = await pipelineCall(ctx, 'GET', '/jobs');
    const jobs = ((await call()) as Array<Record<string, unknown>> | null) ?? [];
    if (ctx.flags.bool('json')) {
      ctx.io.println(JSON.stringify(jobs, null, '  '));
      return;
    }
    const status = (b: unknown) => (b as { status?: string } | undefined)?.status ?? 'n/a';
    const rows = jobs.map((j) => [
      String(j.name),
      j.paused ? 'yes' : 'no',
      status(j.finished_build),
      status(j.next_build),
    ]);
    renderTable(ctx.io, ['name', 'paused', 'status', 'next'], rows, ctx.printTableHeaders);
  },
};

function jobToggle(name: string, suffix: string, verb: string): Command {
  return {
    name,
    flags: [{ long: 'job', short: 'j', kind: 'string', required: true }, TEAM_FLAG],
    async run(ctx) {
      const ref = parseJobFlag(ctx.flags.str('job') as string);
      const target = await loadTarget(ctx);
      try {
        await target.json('PUT', `${PIPELINE}/jobs/:job_name${suffix}`, {
          params: { team_name: target.team, pipeline_name: ref.pipeline.name, job_name: ref.job },
          query: await instanceVarsQuery(ref.pipeline),
        });
      } catch (err) {
        if (isNotFound(err))
          throw new Error(`${ref.job} not found on pipeline ${pipelineRefString(ref.pipeline)}`);
        throw err;
      }
      ctx.io.println(`${verb} '${ref.job}'`);
    },
  };
}

export const pauseJobCommand = jobToggle('pause-job', '/pause', 'paused');
export const unpauseJobCommand = jobToggle('unpause-job', '/unpause', 'unpaused');
