// `land-worker` and `prune-worker`: PUT /api/v1/workers/:worker_name/{land,prune}.
import type { Command } from '../context.ts';
import { loadTarget } from '../context.ts';
import { checkStatus } from '../target.ts';

/** go-concourse's PruneWorkerError: a 400 carries the reason as `{"stderr": ...}`. */
class PruneWorkerError extends Error {}

export const landWorkerCommand: Command = {
  name: 'land-worker',
  aliases: ['lw'],
  flags: [{ long: 'worker', short: 'w', kind: 'string', required: true }],
  async run(ctx) {
    const target = await loadTarget(ctx);
    const name = ctx.flags.str('worker') as string;
    await target.json('PUT', '/api/v1/workers/:worker_name/land', {
      params: { worker_name: name },
    });
    ctx.io.println(`landing '${name}'`);
  },
};

export const pruneWorkerCommand: Command = {
  name: 'prune-worker',
  aliases: ['pw'],
  flags: [
    { long: 'worker', short: 'w', kind: 'list' },
    { long: 'all-stalled', short: 'a', kind: 'bool' },
  ],
  async run(ctx) {
    const target = await loadTarget(ctx);
    const names = [...ctx.flags.list('worker')];
    if (ctx.flags.bool('all-stalled')) {
      const workers =
        (await target.json<Array<{ name: string; state: string }> | null>(
          'GET',
          '/api/v1/workers',
        )) ?? [];
      names.push(...workers.filter((w) => w.state === 'stalled').map((w) => w.name));
    }
    if (names.length === 0) throw new Error('at least one worker is required');
    for (const name of names) {
      const response = await target.raw('PUT', '/api/v1/workers/:worker_name/prune', {
        params: { worker_name: name },
      });
      if (response.statusCode === 400) {
        const body = JSON.parse(response.body.toString('utf8')) as { stderr?: string };
        throw new PruneWorkerError(body.stderr ?? '');
      }
      checkStatus(response);
      ctx.io.println(`pruned '${name}'`);
    }
  },
};
