// clear-task-cache, and curl (the system curl with the target's token).
import { spawn } from 'node:child_process';
import type { Command } from '../context.ts';
import { loadTarget, TEAM_FLAG } from '../context.ts';
import { instanceVarsQuery, parseJobFlag, pipelineRefString } from '../refs.ts';
import { confirm } from '../prompt.ts';
import { FlyExit } from '../errors.ts';

export const clearTaskCacheCommand: Command = {
  name: 'clear-task-cache',
  aliases: ['ctc'],
  flags: [
    { long: 'job', short: 'j', kind: 'string', required: true },
    { long: 'step', short: 's', kind: 'string', required: true },
    { long: 'cache-path', short: 'c', kind: 'string' },
    { long: 'non-interactive', short: 'n', kind: 'bool' },
    TEAM_FLAG,
  ],
  async run(ctx) {
    const ref = parseJobFlag(ctx.flags.str('job') as string);
    const step = ctx.flags.str('step') as string;
    const cachePath = ctx.flags.str('cache-path') ?? '';
    const target = await loadTarget(ctx);
    let warning =
      `!!! this will remove the task cache(s) for \`${pipelineRefString(ref.pipeline)}/${ref.job}\`` +
      `, task step \`${step}\``;
    if (cachePath !== '') warning += `, at \`${cachePath}\``;
    ctx.io.println(`${warning}\n`);
    if (!ctx.flags.bool('non-interactive') && !confirm(ctx.io, 'are you sure?')) {
      ctx.io.println('bailing out');
      return;
    }
    const query = await instanceVarsQuery(ref.pipeline);
    if (cachePath !== '') query.push(['cache_path', cachePath]);
    try {
      const result = await target.json<{ caches_removed: number }>(
        'DELETE',
        '/api/v1/teams/:team_name/pipelines/:pipeline_name/jobs/:job_name/tasks/:step_name/cache',
        {
          params: {
            team_name: target.team,
            pipeline_name: ref.pipeline.name,
            job_name: ref.job,
            step_name: step,
          },
          query,
        },
      );
      ctx.io.println(`${result.caches_removed} caches removed`);
    } catch (err) {
      ctx.io.println((err as Error).message);
      throw err;
    }
  },
};

/** Go's url.Parse of the path argument applied onto the target URL (path and query only). */
function fullUrl(base: string, path: string): string {
  const url = new URL(base);
  const given = new URL(path, 'http://placeholder');
  url.pathname = given.pathname;
  url.search = given.search;
  return url.toString().replace(/\/$/, path.endsWith('/') || path === '' ? '/' : '');
}

export const curlCommand: Command = {
  name: 'curl',
  flags: [{ long: 'print-and-exit', kind: 'bool' }],
  async run(ctx) {
    const [path, ...rest] = [...ctx.positional, ...ctx.passthrough];
    if (path === undefined) {
      throw new Error('the required argument `PATH` was not provided');
    }
    const target = await loadTarget(ctx);
    const token = target.token ?? { type: '', value: '' };
    const args = [
      '-H',
      `Authorization: ${token.type} ${token.value}`,
      ...rest,
      fullUrl(target.url, path),
    ];
    if (ctx.flags.bool('print-and-exit')) {
      ctx.io.println(['curl', ...args].map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' '));
      return;
    }
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn('curl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdout.on('data', (d: Buffer) => ctx.io.print(d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => ctx.io.eprint(d.toString('utf8')));
      child.stdin.end(ctx.io.stdin ?? '');
      child.on('error', reject);
      child.on('close', (status) => resolve(status ?? 1));
    });
    if (code !== 0) {
      ctx.io.eprintln(`error: exit status ${code}`);
      throw new FlyExit(1);
    }
  },
};
