// validate-pipeline (local only), rename-pipeline and order-pipelines.
import { readFile } from 'node:fs/promises';
import {
  collectVars,
  interpolateTemplate,
  parsePipeline,
  validatePipeline,
} from '@jetbridge/pipeline';
import type { Command, CommandContext } from '../context.ts';
import { Flags } from '../flags.ts';
import { fail, findTeam, loadTarget, TEAM_FLAG } from '../context.ts';
import { UnexpectedResponseError } from '../errors.ts';
import { instanceVarsQuery, parsePipelineFlag, pipelineRefString } from '../refs.ts';
import { isNotFound } from '../target.ts';
import { showWarnings } from './set-pipeline.ts';

export const validatePipelineCommand: Command = {
  name: 'validate-pipeline',
  aliases: ['vp'],
  flags: [
    { long: 'config', short: 'c', kind: 'string', required: true },
    { long: 'strict', short: 's', kind: 'bool' },
    { long: 'output', short: 'o', kind: 'bool' },
    { long: 'enable-across-step', kind: 'bool' },
    { long: 'var', short: 'v', kind: 'list' },
    { long: 'yaml-var', short: 'y', kind: 'list' },
    { long: 'load-vars-from', short: 'l', kind: 'list' },
  ],
  async run(ctx) {
    const { io, flags } = ctx;
    const template = await readFile(flags.str('config') as string, 'utf8');
    const { vars } = collectVars({
      vars: flags.list('var'),
      yamlVars: flags.list('yaml-var'),
      varFiles: flags.list('load-vars-from'),
      instanceVars: [],
    });
    const evaluated = interpolateTemplate(template, vars);
    const { errors, warnings } = validatePipeline(parsePipeline(evaluated));
    if (warnings.length > 0) showWarnings(io, warnings);
    if (errors.length > 0) {
      io.eprintln('');
      io.eprintln('WARNING:');
      io.eprintln('Error loading existing config:');
      for (const e of errors) io.eprintln(`  - ${e}`);
      io.eprintln('');
    }
    if (errors.length > 0 || (flags.bool('strict') && warnings.length > 0)) {
      fail(ctx, 'configuration invalid');
    }
    io.println(flags.bool('output') ? evaluated : 'looks good');
  },
};

export const renamePipelineCommand: Command = {
  name: 'rename-pipeline',
  aliases: ['rp'],
  flags: [
    { long: 'old-name', short: 'o', kind: 'string', required: true },
    { long: 'new-name', short: 'n', kind: 'string', required: true },
    TEAM_FLAG,
  ],
  async run(ctx) {
    const oldRef = parsePipelineFlag(ctx.flags.str('old-name') as string);
    const newRef = parsePipelineFlag(ctx.flags.str('new-name') as string);
    const target = await loadTarget(ctx);
    const body: Record<string, unknown> = { name: newRef.name };
    if (newRef.instanceVars && Object.keys(newRef.instanceVars).length > 0) {
      body.instance_vars = newRef.instanceVars;
    }
    let warnings: Array<{ type: string; message: string }> = [];
    let found = true;
    try {
      const result = await target.json<{ warnings?: typeof warnings | null } | null>(
        'PUT',
        '/api/v1/teams/:team_name/pipelines/:pipeline_name/rename',
        {
          params: { team_name: target.team, pipeline_name: oldRef.name },
          query: await instanceVarsQuery(oldRef),
          body: JSON.stringify(body),
          contentType: 'application/json',
        },
      );
      warnings = result?.warnings ?? [];
    } catch (err) {
      if (!isNotFound(err)) throw err;
      found = false;
    }
    if (warnings.length > 0) showWarnings(ctx.io, warnings);
    if (!found) fail(ctx, `pipeline '${pipelineRefString(oldRef)}' not found\n`);
    ctx.io.println(`pipeline successfully renamed to '${pipelineRefString(newRef)}'`);
  },
};

/** The flags minus --team, so loadTarget skips its lookup (order-pipelines always does one). */
function withoutTeam(ctx: CommandContext): Flags {
  const values = new Map(ctx.flags.parsed.values);
  values.delete('team');
  return new Flags({ ...ctx.flags.parsed, values });
}

export const orderPipelinesCommand: Command = {
  name: 'order-pipelines',
  aliases: ['op'],
  flags: [
    { long: 'alphabetical', short: 'a', kind: 'bool' },
    { long: 'pipeline', short: 'p', kind: 'list' },
    TEAM_FLAG,
  ],
  async run(ctx) {
    const pipelines = ctx.flags.list('pipeline');
    if (!ctx.flags.bool('alphabetical') && pipelines.length === 0) {
      fail(ctx, 'error: either --pipeline or --alphabetical are required');
    }
    const teamFlag = ctx.flags.str('team');
    const target = await loadTarget({ ...ctx, flags: withoutTeam(ctx) });
    await findTeam(target, teamFlag || target.team);
    let names: string[];
    if (ctx.flags.bool('alphabetical')) {
      const list =
        (await target.json<Array<{ name: string }> | null>(
          'GET',
          '/api/v1/teams/:team_name/pipelines',
          { params: { team_name: target.team } },
        )) ?? [];
      names = [...new Set(list.map((p) => p.name))].sort();
    } else {
      for (const p of pipelines) {
        if (p.includes('/'))
          throw new Error(`pipeline name ${JSON.stringify(p)} cannot contain '/'`);
      }
      names = pipelines;
    }
    const res = await target.raw('PUT', '/api/v1/teams/:team_name/pipelines/ordering', {
      params: { team_name: target.team },
      body: `${JSON.stringify(names)}\n`,
      contentType: 'application/json',
    });
    let failure: string | undefined;
    if (res.statusCode === 403) failure = `you do not have a role on team '${target.team}'`;
    else if (res.statusCode === 400) failure = res.body.toString('utf8');
    else if (res.statusCode !== 200) {
      failure = new UnexpectedResponseError(res.statusCode, res.status, res.body.toString())
        .message;
    }
    if (failure !== undefined) fail(ctx, `failed to order pipelines: ${failure}`);
    ctx.io.print('ordered pipelines \n');
    for (const name of names) ctx.io.print(`  - ${name} \n`);
  },
};
