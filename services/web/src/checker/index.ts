// The resource checker: starts check builds for requested checks and elapsed intervals. The
// engine runs them and saves the versions with saveCheckedVersions.
import { channels, runOnWakeup } from '@jetbridge/db';
import { componentNames, componentRecorder } from '../components/index.ts';
import type { WebContext } from '../context.ts';
import { checkOnce } from './check-once.ts';

export { checkOnce, type CheckPassResult, type CheckerDeps } from './check-once.ts';
export { requestCheck, type CheckRequestOptions, type CheckTarget } from './request-check.ts';
export { resolvePipelineVars, CheckSetupError } from './check-source.ts';

/** Bound on how late a check starts after its interval elapsed or a lost notification. */
const POLL_INTERVAL_MS = 5000;

export function startResourceChecker(ctx: WebContext): { stop(): Promise<void> } {
  const log = ctx.logger.child({ component: 'resource-checker' });
  const recordRun = componentRecorder(ctx.pool, componentNames.scanner, POLL_INTERVAL_MS);
  // Pipelines whose requested checks wait for another check: a finished build there (announced
  // on the schedule channel) may let them start, so it wakes the checker too.
  let waiting = new Set<string>();
  const unsubscribe = ctx.wakeups.on(channels.schedule, (payload) => {
    if (waiting.has(payload)) void ctx.wakeups.notify(channels.checks, payload).catch(() => {});
  });
  const stopLoop = runOnWakeup({
    wakeups: ctx.wakeups,
    channel: channels.checks,
    pollIntervalMs: POLL_INTERVAL_MS,
    tick: async () => {
      const result = await checkOnce({ pool: ctx.pool, logger: log });
      if (result) waiting = new Set(result.waiting.map(String));
      await recordRun();
    },
    onError: (err) => log.error({ err }, 'check-pass-failed'),
  });
  return {
    async stop() {
      unsubscribe();
      await stopLoop();
    },
  };
}
