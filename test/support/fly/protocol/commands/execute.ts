// `fly execute`: upload inputs, submit a one-off plan, stream its events, download outputs.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { collectVars, interpolateTemplate, parseTaskConfig } from '@jetbridge/pipeline';
import type { Command, CommandContext } from '../context.ts';
import { fail, loadTarget } from '../context.ts';
import { instanceVarsQuery, parseJobFlag } from '../refs.ts';
import type { JobRef } from '../refs.ts';
import type { Target } from '../target.ts';
import { checkStatus, isNotFound } from '../target.ts';
import { FlyExit } from '../errors.ts';
import { openBuildEvents, renderBuild } from '../events/render.ts';
import { packDirectory, unpackInto } from '../execute/artifacts.ts';
import { buildPlan, PlanFactory } from '../execute/plan.ts';
import type { PlanNode } from '../execute/plan.ts';
import type { Build } from './builds.ts';

const TEAM = '/api/v1/teams/:team_name';
const PIPELINE = `${TEAM}/pipelines/:pipeline_name`;

interface TaskConfig {
  platform?: string;
  params?: Record<string, string>;
  run: { path: string; args?: string[] };
  inputs?: Array<{ name: string; optional?: boolean }>;
  outputs?: Array<{ name: string }>;
  image_resource?: unknown;
}

interface BuildInput {
  name: string;
  type: string;
  source: unknown;
  version: unknown;
  params?: unknown;
  tags?: string[];
}

/** `NAME=PATH` / `NAME=VALUE` pairs of -i, -o and -m. */
function pairs(values: string[], what: string): Array<{ name: string; value: string }> {
  return values.map((v) => {
    const eq = v.indexOf('=');
    if (eq === -1)
      throw new Error(
        `${what} '${v}' is not of the form NAME=${what === 'input mapping' ? 'STRING' : 'PATH'}`,
      );
    return { name: v.slice(0, eq), value: v.slice(eq + 1) };
  });
}

async function taskConfig(ctx: CommandContext): Promise<TaskConfig> {
  const { flags } = ctx;
  const template = await readFile(flags.str('config') as string, 'utf8');
  const { vars } = collectVars({
    vars: flags.list('var'),
    yamlVars: flags.list('yaml-var'),
    varFiles: flags.list('load-vars-from'),
    instanceVars: [],
  });
  const config = parseTaskConfig(interpolateTemplate(template, vars)) as unknown as TaskConfig;
  // Task params named in fly's environment take the environment's value.
  if (config.params) {
    for (const key of Object.keys(config.params)) {
      const fromEnv = ctx.io.env[key];
      if (fromEnv !== undefined) config.params[key] = fromEnv;
    }
  }
  const extra = [...ctx.positional, ...ctx.passthrough];
  if (extra.length > 0)
    config.run = { ...config.run, args: [...(config.run.args ?? []), ...extra] };
  return config;
}

async function uploadInput(target: Target, path: string, ctx: CommandContext, platform: string) {
  const body = await packDirectory(path, ctx.flags.bool('include-ignored'));
  const query: Array<[string, string]> = [['platform', platform]];
  for (const tag of ctx.flags.list('tag')) query.push(['tags', tag]);
  return target.json<{ id: number }>('POST', `${TEAM}/artifacts`, {
    params: { team_name: target.team },
    query,
    body,
    contentType: 'application/octet-stream',
  });
}

async function jobInputs(
  target: Target,
  job: JobRef,
  fact: PlanFactory,
  image: string | undefined,
) {
  const params = { team_name: target.team, pipeline_name: job.pipeline.name, job_name: job.job };
  const query = await instanceVarsQuery(job.pipeline);
  const shown = `${job.pipeline.name}/${job.job}`;
  let inputs: BuildInput[];
  let resourceTypes: unknown[];
  try {
    inputs =
      (await target.json<BuildInput[] | null>('GET', `${PIPELINE}/jobs/:job_name/inputs`, {
        params,
        query,
      })) ?? [];
  } catch (err) {
    if (isNotFound(err)) throw new Error(`build inputs for ${shown} not found`);
    throw err;
  }
  try {
    resourceTypes =
      (await target.json<unknown[] | null>('GET', `${PIPELINE}/resource-types`, {
        params,
        query,
      })) ?? [];
  } catch (err) {
    if (isNotFound(err)) throw new Error(`resource types of ${job.pipeline.name} not found`);
    throw err;
  }
  let imageResource: unknown;
  if (image !== undefined && image !== '') {
    const found = inputs.find((i) => i.name === image);
    if (!found) throw new Error(`image resource ${image} not found`);
    imageResource = {
      type: found.type,
      source: found.source,
      version: found.version,
      params: found.params,
    };
  }
  const plans = new Map<string, PlanNode>();
  for (const input of inputs) {
    const get: Record<string, unknown> = {
      name: input.name,
      type: input.type,
      source: input.source,
    };
    get.image = { base_type: input.type };
    get.version = input.version;
    if (input.params) get.params = input.params;
    if (input.tags && input.tags.length > 0) get.tags = input.tags;
    plans.set(input.name, fact.node({ get }));
  }
  return { plans, imageResource, resourceTypes };
}

async function run(ctx: CommandContext): Promise<void> {
  const { flags, io } = ctx;
  const target = await loadTarget(ctx);
  const config = await taskConfig(ctx);
  const fact = new PlanFactory();
  const taskInputs = config.inputs ?? [];
  const local = pairs(flags.list('input'), 'input');
  const mappings = Object.fromEntries(
    pairs(flags.list('input-mapping'), 'input mapping').map((p) => [p.name, p.value]),
  );
  const inputsFrom = flags.str('inputs-from');
  const job = inputsFrom === undefined ? undefined : parseJobFlag(inputsFrom);

  for (const i of local) {
    if (!taskInputs.some((t) => t.name === i.name)) throw new Error(`unknown input \`${i.name}\``);
  }
  for (const i of local) {
    if (i.value !== '' && (await stat(i.value)).isFile())
      throw new Error(`${i.value} not a folder`);
  }
  if (job === undefined) {
    const here = basename(process.cwd());
    if (taskInputs.some((t) => t.name === here) && !local.some((i) => i.name === here)) {
      local.push({ name: here, value: '.' });
    }
  }
  const artifacts = new Map<string, number>();
  for (const i of local)
    artifacts.set(i.name, (await uploadInput(target, i.value, ctx, config.platform ?? '')).id);
  const fromLocal = new Map<string, PlanNode>();
  for (const i of local) {
    fromLocal.set(
      i.name,
      fact.node({ artifact_input: { artifact_id: artifacts.get(i.name), name: i.name } }),
    );
  }
  const fromJob = job ? await jobInputs(target, job, fact, flags.str('image')) : undefined;
  if (fromJob?.imageResource) config.image_resource = fromJob.imageResource;

  const inputs: PlanNode[] = [];
  for (const t of taskInputs) {
    const plan = fromLocal.get(t.name) ?? fromJob?.plans.get(mappings[t.name] ?? t.name);
    if (plan) inputs.push(plan);
    else if (!t.optional) throw new Error(`missing required input \`${t.name}\``);
  }

  const outputs = pairs(flags.list('output'), 'output').map((o) => {
    if (!(config.outputs ?? []).some((c) => c.name === o.name))
      throw new Error(`unknown output '${o.name}'`);
    return { ...o, plan: fact.node({ artifact_output: { name: o.name } }) };
  });
  if (flags.bool('background') && outputs.length > 0) {
    throw new Error('outputs are not supported in background mode');
  }

  const plan = buildPlan(
    fact,
    inputs,
    outputs.map((o) => o.plan),
    {
      privileged: flags.bool('privileged'),
      config,
      inputMapping: mappings,
      resourceTypes: fromJob?.resourceTypes ?? null,
      tags: flags.list('tag'),
    },
  );
  const body = `${JSON.stringify(plan)}\n`;
  const build = job
    ? await target.json<Build>('POST', `${PIPELINE}/builds`, {
        params: { team_name: target.team, pipeline_name: job.pipeline.name },
        query: await instanceVarsQuery(job.pipeline),
        body,
        contentType: 'application/json',
      })
    : await target.json<Build>('POST', `${TEAM}/builds`, {
        params: { team_name: target.team },
        body,
        contentType: 'application/json',
      });
  io.println(
    `executing build ${build.id} at ${new URL(`/builds/${build.id}`, target.url).toString()}`,
  );
  if (flags.bool('background')) return;

  let interrupts = 0;
  io.onInterrupt(() => {
    interrupts += 1;
    if (interrupts > 1) {
      io.eprintln('exiting immediately');
      io.abort.abort(new FlyExit(2));
      return;
    }
    io.eprint('\naborting...\n');
    target
      .json('PUT', '/api/v1/builds/:build_id/abort', { params: { build_id: String(build.id) } })
      .catch((err: unknown) => {
        io.eprintln(`failed to abort: ${(err as Error).message}`);
        io.abort.abort(new FlyExit(2));
      });
  });

  const source = await openBuildEvents(target, String(build.id));
  const exitCode = await renderBuild(io, source);
  source.close();

  const list =
    (await target.json<Array<{ id: number; name: string }> | null>(
      'GET',
      '/api/v1/builds/:build_id/artifacts',
      {
        params: { build_id: String(build.id) },
      },
    )) ?? [];
  const byName = new Map(list.map((a) => [a.name, a]));
  for (const o of outputs) {
    const artifact = byName.get(o.name);
    if (!artifact) continue;
    try {
      const res = await target.raw('GET', `${TEAM}/artifacts/:artifact_id`, {
        params: { team_name: target.team, artifact_id: String(artifact.id) },
      });
      checkStatus(res);
      await unpackInto(o.value, res.body);
    } catch (err) {
      fail(ctx, `downloading failed: ${(err as Error).message}`);
    }
  }
  throw new FlyExit(exitCode);
}

export const executeCommand: Command = {
  name: 'execute',
  aliases: ['e'],
  flags: [
    { long: 'config', short: 'c', kind: 'string', required: true },
    { long: 'privileged', short: 'p', kind: 'bool' },
    { long: 'include-ignored', kind: 'bool' },
    { long: 'input', short: 'i', kind: 'list' },
    { long: 'input-mapping', short: 'm', kind: 'list' },
    { long: 'inputs-from', short: 'j', kind: 'string' },
    { long: 'output', short: 'o', kind: 'list' },
    { long: 'image', kind: 'string' },
    { long: 'tag', kind: 'list' },
    { long: 'var', short: 'v', kind: 'list' },
    { long: 'yaml-var', short: 'y', kind: 'list' },
    { long: 'load-vars-from', short: 'l', kind: 'list' },
    { long: 'background', short: 'b', kind: 'bool' },
  ],
  run,
};
