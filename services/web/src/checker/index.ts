// The resource checker: starts check builds for requested checks and elapsed intervals. The
// engine runs them and saves the versions with saveCheckedVersions.
import { channels, runOnWakeup } from '@jetbridge/db';
import type { WebContext } from '../context.ts';
import { checkOnce } from './check-once.ts';

export { checkOnce, type CheckPassResult, type CheckerDeps } from './check-once.ts';

/** Bound on how late a check starts after its interval elapsed or a lost notification. */
const POLL_INTERVAL_MS = 5000;

export function startResourceChecker(ctx: WebContext): { stop(): Promise<void> } {
  const log = ctx.logger.child({ component: 'resource-checker' });
  const stop = runOnWakeup({
    wakeups: ctx.wakeups,
    channel: channels.checks,
    pollIntervalMs: POLL_INTERVAL_MS,
    tick: async () => {
      await checkOnce({ pool: ctx.pool, logger: log });
    },
    onError: (err) => log.error({ err }, 'check-pass-failed'),
  });
  return { stop };
}
