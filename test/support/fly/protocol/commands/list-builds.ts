// `fly builds`: the build list from whichever endpoint the flags select, in fly's table.
import type { Command, CommandContext } from '../context.ts';
import { fail, loadTarget } from '../context.ts';
import { instanceVarsQuery, parseJobFlag, parsePipelineFlag, pipelineRefString } from '../refs.ts';
import type { Query, Target } from '../target.ts';
import { isNotFound } from '../target.ts';
import { renderTable } from '../table.ts';
import { goDuration, goTimestamp } from '../go-format.ts';
import type { Build } from './builds.ts';

const PIPELINE = '/api/v1/teams/:team_name/pipelines/:pipeline_name';

function parseLocalTime(value: string, flag: 'Since' | 'Until'): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!m) throw new Error(`${flag} time should be in the format: 2006-01-02 15:04:05`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Math.floor(new Date(y!, mo! - 1, d, h, mi, s).getTime() / 1000);
}

async function list(target: Target, route: string, params: Record<string, string>, query: Query) {
  return (await target.json<Build[] | null>('GET', route, { params, query })) ?? [];
}

async function pipelineBuilds(ctx: CommandContext, target: Target, team: string, page: Query) {
  const ref = parsePipelineFlag(ctx.flags.str('pipeline') as string);
  try {
    return await list(target, `${PIPELINE}/builds`, { team_name: team, pipeline_name: ref.name }, [
      ...page,
      ...(await instanceVarsQuery(ref)),
    ]);
  } catch (err) {
    if (isNotFound(err)) fail(ctx, 'pipeline not found');
    throw err;
  }
}

async function jobBuilds(ctx: CommandContext, target: Target, team: string, page: Query) {
  const ref = parseJobFlag(ctx.flags.str('job') as string);
  const params = { team_name: team, pipeline_name: ref.pipeline.name, job_name: ref.job };
  try {
    return await list(target, `${PIPELINE}/jobs/:job_name/builds`, params, [
      ...page,
      ...(await instanceVarsQuery(ref.pipeline)),
    ]);
  } catch (err) {
    if (isNotFound(err)) fail(ctx, 'pipeline/job not found');
    throw err;
  }
}

function timeCells(b: Build, now: number): [string, string, string] {
  const start = b.start_time ?? 0;
  const end = b.end_time ?? 0;
  const startCell = start === 0 ? 'n/a' : goTimestamp(start);
  if (start === 0) return [startCell, end === 0 ? 'n/a' : goTimestamp(end), 'n/a'];
  if (end === 0) return [startCell, 'n/a', `${goDuration(now - start)}+`];
  return [startCell, goTimestamp(end), goDuration(end - start)];
}

function nameCell(b: Build): string {
  const names: string[] = [];
  if (b.pipeline_name) {
    names.push(
      pipelineRefString({ name: b.pipeline_name, instanceVars: b.pipeline_instance_vars }),
    );
  }
  if (b.job_name) names.push(b.job_name);
  if (b.resource_name) names.push(b.resource_name);
  names.push(b.name);
  return names.join('/');
}

async function run(ctx: CommandContext): Promise<void> {
  const { flags } = ctx;
  const target = await loadTarget(ctx);
  const count = Number.parseInt(flags.str('count') ?? '50', 10);
  const page: Query = [];
  const since = flags.str('since');
  const until = flags.str('until');
  const from = since === undefined ? undefined : parseLocalTime(since, 'Since');
  const to = until === undefined ? undefined : parseLocalTime(until, 'Until');
  if (from !== undefined && to !== undefined && from > to)
    throw new Error('Cannot have --since after --until');
  const byPipeline = flags.str('pipeline') !== undefined;
  const byJob = flags.str('job') !== undefined;
  if (byPipeline && byJob) throw new Error('Cannot specify both --pipeline and --job');
  const teamsFlag = flags.list('team');
  if (flags.bool('current-team') && flags.bool('all-teams'))
    throw new Error('Cannot specify both --all-teams and --current-team');
  if (teamsFlag.length > 0 && flags.bool('all-teams'))
    throw new Error('Cannot specify both --all-teams and --team');
  if (from !== undefined) page.push(['from', String(from)]);
  if (to !== undefined) page.push(['to', String(to)]);
  if (count > 0) page.push(['limit', String(count)]);
  if (since !== undefined || until !== undefined) page.push(['timestamps', 'true']);

  let teams: string[] = [];
  if (flags.bool('all-teams')) {
    const all = (await target.json<Array<{ name: string }> | null>('GET', '/api/v1/teams')) ?? [];
    teams = all.map((t) => t.name);
  } else if (teamsFlag.length > 0 || flags.bool('current-team')) {
    teams = [...(flags.bool('current-team') ? [target.team] : []), ...teamsFlag];
  }

  const builds: Build[] = [];
  for (const team of teams.length > 0 ? teams : [target.team]) {
    if (byPipeline) builds.push(...(await pipelineBuilds(ctx, target, team, page)));
    else if (byJob) builds.push(...(await jobBuilds(ctx, target, team, page)));
    else if (teams.length > 0) {
      builds.push(
        ...(await list(target, '/api/v1/teams/:team_name/builds', { team_name: team }, page)),
      );
    } else builds.push(...(await list(target, '/api/v1/builds', {}, page)));
  }

  if (flags.bool('json')) {
    ctx.io.println(JSON.stringify(builds, null, '  '));
    return;
  }
  const now = Math.floor(Date.now() / 1000);
  const rows = builds
    .slice(0, Math.max(count, 0))
    .map((b) => [
      String(b.id),
      nameCell(b),
      b.status,
      ...timeCells(b, now),
      b.team_name ?? '',
      b.created_by ?? 'system',
    ]);
  renderTable(
    ctx.io,
    ['id', 'name', 'status', 'start', 'end', 'duration', 'team', 'created by'],
    rows,
    ctx.printTableHeaders,
  );
}

export const buildsCommand: Command = {
  name: 'builds',
  aliases: ['bs'],
  flags: [
    { long: 'all-teams', short: 'a', kind: 'bool' },
    { long: 'count', short: 'c', kind: 'string' },
    { long: 'current-team', kind: 'bool' },
    { long: 'job', short: 'j', kind: 'string' },
    { long: 'json', kind: 'bool' },
    { long: 'pipeline', short: 'p', kind: 'string' },
    { long: 'team', short: 'n', kind: 'list' },
    { long: 'since', kind: 'string' },
    { long: 'until', kind: 'string' },
  ],
  run,
};
