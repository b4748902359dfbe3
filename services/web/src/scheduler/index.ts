// The scheduler: decides which job builds to create and start, driven by notifications on
// `channels.schedule` (payload: a pipeline id, or '' for all) with a polling fallback.
import { channels, runOnWakeup } from '@jetbridge/db';
import { componentNames, componentRecorder } from '../components/index.ts';
import type { WebContext } from '../context.ts';
import { scheduleOnce } from './schedule-once.ts';

export { scheduleOnce, type ScheduleResult, type SchedulerDeps } from './schedule-once.ts';
export { buildPreparation, type BuildPreparation } from './build-preparation.ts';

/** Bound on how long a lost notification can delay a build. */
const POLL_INTERVAL_MS = 3000;

export function startScheduler(ctx: WebContext): { stop(): Promise<void> } {
  const log = ctx.logger.child({ component: 'scheduler' });
  const recordRun = componentRecorder(ctx.pool, componentNames.scheduler, POLL_INTERVAL_MS);
  const requested = new Set<number>();
  let everything = true;

  const unsubscribe = ctx.wakeups.on(channels.schedule, (payload) => {
    const id = Number(payload);
    if (payload === '' || !Number.isInteger(id)) everything = true;
    else requested.add(id);
  });

  const pipelinesToSchedule = async (): Promise<number[]> => {
    // A pass without a specific request is the polling fallback: every pipeline with work.
    if (everything || requested.size === 0) {
      everything = false;
      requested.clear();
      const found = await ctx.pool.query<{ id: number }>(
        `SELECT id FROM pipelines p WHERE (NOT paused AND NOT archived)
           OR EXISTS (SELECT 1 FROM builds b WHERE b.pipeline_id = p.id AND b.job_id IS NOT NULL
                        AND b.status = 'pending' AND b.aborted)
         ORDER BY id`,
      );
      return found.rows.map((r) => r.id);
    }
    const ids = [...requested];
    requested.clear();
    return ids;
  };

  const stopLoop = runOnWakeup({
    wakeups: ctx.wakeups,
    channel: channels.schedule,
    pollIntervalMs: POLL_INTERVAL_MS,
    tick: async () => {
      for (const id of await pipelinesToSchedule()) {
        try {
          await scheduleOnce({ pool: ctx.pool, logger: log }, id);
        } catch (err) {
          log.error({ err, pipeline_id: id }, 'failed-to-schedule-pipeline');
        }
      }
      await recordRun();
    },
    onError: (err) => log.error({ err }, 'scheduler-tick-failed'),
  });

  return {
    async stop() {
      unsubscribe();
      await stopLoop();
    },
  };
}
