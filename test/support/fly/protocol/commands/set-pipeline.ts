// `fly set-pipeline`: client-side vars, validation warnings, the no-change check, the strict
// save response handling and the unpause hint.
import { readFile } from 'node:fs/promises';
import {
  collectVars,
  configsEqual,
  interpolateTemplate,
  parsePipeline,
  validateIdentifier,
  validatePipeline,
} from '@jetbridge/pipeline';
import type { Command, CommandContext } from '../context.ts';
import { loadTarget, TEAM_FLAG } from '../context.ts';
import { parsePipelineFlag, instanceVarsQuery, pipelineRefString } from '../refs.ts';
import type { PipelineRef } from '../refs.ts';
import { isNotFound } from '../target.ts';
import type { Target } from '../target.ts';
import { ForbiddenError, InvalidConfigError, UnexpectedResponseError } from '../errors.ts';
import { buildPath, encodeQuery } from '../go-url.ts';
import { stringify } from 'yaml';
import type { FlyIO } from '../io.ts';
import { printConfigDiff } from '../config-diff.ts';

const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';
const CONFIG = '/api/v1/teams/:team_name/pipelines/:pipeline_name/config';
const PIPELINE = '/api/v1/teams/:team_name/pipelines/:pipeline_name';

interface Warning {
  type: string;
  message: string;
}

export function showWarnings(io: FlyIO, warnings: Warning[]): void {
  io.eprintln('');
  io.eprintln('DEPRECATION WARNING:');
  for (const w of warnings) io.eprintln(`  - ${w.message}`);
  io.eprintln('');
  if (warnings.some((w) => w.type === 'invalid_identifier')) {
    io.eprintln(
      'identifier schema documentation: https://concourse-ci.org/config-basics.html#schema.identifier',
    );
    io.eprintln('');
  }
}

async function getPipeline(
  target: Target,
  ref: PipelineRef,
): Promise<Record<string, unknown> | null> {
  try {
    return await target.json('GET', PIPELINE, {
      params: { team_name: target.team, pipeline_name: ref.name },
      query: await instanceVarsQuery(ref),
    });
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

async function saveConfig(
  target: Target,
  ref: PipelineRef,
  version: string,
  body: string,
  checkCreds: boolean,
) {
  const query = await instanceVarsQuery(ref);
  if (checkCreds) query.unshift(['check_creds', '']);
  const res = await target.raw('PUT', CONFIG, {
    params: { team_name: target.team, pipeline_name: ref.name },
    query,
    body,
    contentType: 'application/x-yaml',
    headers: { 'X-Concourse-Config-Version': version },
  });
  const text = res.body.toString('utf8');
  const strictJson = res.headers['content-type'] === 'application/json';
  if (res.statusCode === 200 || res.statusCode === 201) {
    if (!strictJson) throw new UnexpectedResponseError(res.statusCode, res.status, text);
    const parsed = parseJson(text) as { warnings?: Warning[] | null };
    return { created: res.statusCode === 201, warnings: parsed?.warnings ?? [] };
  }
  if (res.statusCode === 400) {
    if (!strictJson) throw new UnexpectedResponseError(res.statusCode, res.status, text);
    const parsed = parseJson(text) as { errors?: string[] | null };
    throw new InvalidConfigError(parsed?.errors ?? []);
  }
  if (res.statusCode === 403) throw new ForbiddenError(text);
  throw new UnexpectedResponseError(res.statusCode, res.status, text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`parsing JSON: ${(err as Error).message}`);
  }
}

function confirm(io: FlyIO, question: string): boolean {
  io.print(`${question} [yN]: `);
  const answer = (io.stdin ?? '').split('\n')[0]?.trim().toLowerCase() ?? '';
  io.println('');
  return answer === 'y' || answer === 'yes';
}

async function run(ctx: CommandContext): Promise<void> {
  const { io, flags } = ctx;
  const pipelineFlag = flags.str('pipeline') as string;
  const configPath = flags.str('config') as string;
  const ref = parsePipelineFlag(pipelineFlag);
  if (ref.instanceVars !== undefined || ref.name.includes('/')) {
    throw new Error("pipeline name cannot contain '/'");
  }
  const warnings: Warning[] = [];
  const nameCheck = validateIdentifier(ref.name, 'pipeline');
  if (typeof nameCheck === 'string') throw new Error(nameCheck);
  if (nameCheck) warnings.push(nameCheck);

  const fromStdin = configPath === '-';
  const template = fromStdin ? (io.stdin ?? '') : await readFile(configPath, 'utf8');
  const collected = collectVars({
    vars: flags.list('var'),
    yamlVars: flags.list('yaml-var'),
    varFiles: flags.list('load-vars-from'),
    instanceVars: flags.list('instance-var'),
  });
  if (collected.instanceVars) ref.instanceVars = collected.instanceVars;
  const evaluated = interpolateTemplate(template, collected.vars);

  const target = await loadTarget(ctx);
  let existing: unknown = null;
  let version = '';
  try {
    const { result, response } = await target.call<{ config: unknown }>('GET', CONFIG, {
      params: { team_name: target.team, pipeline_name: ref.name },
      query: await instanceVarsQuery(ref),
    });
    existing = result?.config ?? null;
    version = String(response.headers['x-concourse-config-version'] ?? '');
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }

  const config = parsePipeline(evaluated);
  warnings.push(...validatePipeline(config).warnings);
  const diffShown = printConfigDiff(io, existing as never, config as never);
  const changed = diffShown || existing === null || !configsEqual(existing as never, config);
  if (warnings.length > 0) showWarnings(io, warnings);
  if (!changed) {
    io.println('no changes to apply');
    return;
  }

  io.println(`${BOLD}pipeline name: ${RESET}${ref.name}`);
  if (ref.instanceVars !== undefined) {
    io.println(`${BOLD}pipeline instance vars:${RESET}`);
    const lines = stringify(ref.instanceVars, { sortMapEntries: true }).trimEnd().split('\n');
    io.println(lines.map((l) => `  ${l}`).join('\n'));
  }
  io.println();
  if (flags.bool('dry-run')) {
    io.println('Dry-run mode was set, exiting.');
    return;
  }

  const current = await getPipeline(target, ref);
  if (current && current.parent_job_id && current.parent_build_id) {
    io.println(
      "\x1b[1;33mWARNING: pipeline has been configured through the 'set_pipeline' step, your changes may be overwritten on the next 'set_pipeline' step execution\x1b[0m",
    );
    io.println();
  }
  if (!(flags.bool('non-interactive') || fromStdin) && !confirm(io, 'apply configuration?')) {
    io.println('bailing out');
    return;
  }

  const saved = await saveConfig(target, ref, version, evaluated, flags.bool('check-creds'));
  const updated = await getPipeline(target, ref);
  if (saved.warnings.length > 0) showWarnings(io, saved.warnings);

  if (!saved.created) {
    io.println('configuration updated');
  } else {
    const query = encodeQuery(await instanceVarsQuery(ref));
    const path = buildPath('/teams/:team/pipelines/:pipeline', {
      team: target.team,
      pipeline: ref.name,
    });
    io.println('pipeline created!');
    io.println(`you can view your pipeline here: ${target.url}${path}${query ? `?${query}` : ''}`);
  }
  if (updated?.paused) {
    let flag = pipelineRefString(ref);
    if (flag.includes('"')) flag = JSON.stringify(flag);
    let cmd = `fly -t ${ctx.targetName} unpause-pipeline -p ${flag}`;
    if (flags.str('team')) cmd += ` --team ${flags.str('team')}`;
    io.println('');
    io.println('the pipeline is currently paused. to unpause, either:');
    io.println('  - run the unpause-pipeline command:');
    io.println(`    ${cmd}`);
    io.println('  - click play next to the pipeline in the web ui');
  }
}

export const setPipelineCommand: Command = {
  name: 'set-pipeline',
  aliases: ['sp'],
  flags: [
    { long: 'pipeline', short: 'p', kind: 'string', required: true },
    { long: 'config', short: 'c', kind: 'string', required: true },
    { long: 'var', short: 'v', kind: 'list' },
    { long: 'yaml-var', short: 'y', kind: 'list' },
    { long: 'load-vars-from', short: 'l', kind: 'list' },
    { long: 'instance-var', short: 'i', kind: 'list' },
    { long: 'non-interactive', short: 'n', kind: 'bool' },
    { long: 'check-creds', kind: 'bool' },
    { long: 'dry-run', short: 'd', kind: 'bool' },
    TEAM_FLAG,
  ],
  run,
};
