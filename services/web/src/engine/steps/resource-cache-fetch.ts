// One fetch per resource cache at a time. Gets of the same version with the same config that start
// together (parallel steps, builds of several jobs, several pipelines) would each run `in` and
// fetch the same files; instead the first takes the cache's row in resource_cache_fetches before
// its pod is made, and the others wait for it to let go, then reuse the cache it stored. The row
// is the lock, so it holds across web replicas: a waiter on any replica hears the release through
// Postgres, and a row whose step or build stopped running, or whose holder stopped renewing it, is
// taken over by the next get.
import { channels, inTransaction } from '@jetbridge/db';
import { appendBuildEvents, logEvent } from '../../builds/index.ts';
import { StepStoppedError } from '../plan/outcome.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';

/**
 * How often a waiter looks again without a release notice: a holder whose replica died lets go
 * only by its step or build ending, which no one announces.
 */
const recheckMs = 5_000;

/** How often the holder of a fetch renews its row while its step runs. */
export const renewEveryMs = 60_000;

/**
 * A row not renewed for this long belongs to a holder that is gone (its replica stopped without its
 * step ending): a waiter takes the row and fetches itself.
 */
const staleAfterSeconds = 10 * 60;

const waitingLine = '\x1b[1;36mINFO: waiting for another get fetching the same version\x1b[0m\n';

/**
 * Takes the fetch of `key` for this step, or tells that another step holds it. A row held by this
 * step already (a replica taking over) is kept; one whose holder stopped running is taken over.
 */
async function tryAcquire(run: BuildRun, key: string, planId: string): Promise<boolean> {
  const taken = await run.ctx.pool.query(
    `INSERT INTO resource_cache_fetches AS f (store_key, build_id, plan_id)
     VALUES ($1, $2, $3)
     ON CONFLICT (store_key) DO UPDATE
       SET build_id = EXCLUDED.build_id, plan_id = EXCLUDED.plan_id, renewed_at = now()
     WHERE (f.build_id = EXCLUDED.build_id AND f.plan_id = EXCLUDED.plan_id)
        OR f.renewed_at < now() - make_interval(secs => $4)
        OR NOT EXISTS (
          SELECT 1 FROM build_steps s JOIN builds b ON b.id = s.build_id
          WHERE s.build_id = f.build_id AND s.plan_id = f.plan_id AND s.state = 'running'
            AND b.status IN ('pending', 'started'))
     RETURNING store_key`,
    [key, run.build.id, planId, staleAfterSeconds],
  );
  return (taken.rowCount ?? 0) > 0;
}

/**
 * Resolves once this step may fetch `key` (it then holds the row) or `cached()` finds the cache the
 * holder stored, whichever comes first; the cache found is returned. Throws StepStoppedError when
 * the step is stopped while it waits.
 */
export async function acquireFetch<T>(
  run: BuildRun,
  scope: Scope,
  key: string,
  planId: string,
  cached: () => Promise<T | null>,
  { lookEveryMs = recheckMs } = {},
): Promise<{ acquired: true } | { cache: T }> {
  // Listening before the first attempt, so a release between an attempt and the wait is not missed.
  const release = releaseNotices(run, scope, key, lookEveryMs);
  try {
    await run.ctx.wakeups.listening();
    let said = false;
    for (;;) {
      if (scope.cancel.isCancelled) throw new StepStoppedError('stopped while waiting to fetch');
      if (await tryAcquire(run, key, planId)) {
        // The holder may have stored the cache and let go between the last look and taking the
        // row: then there is nothing to fetch.
        const cache = await cached();
        if (!cache) return { acquired: true };
        await releaseFetches(run, scope, planId);
        return { cache };
      }
      if (!said) {
        said = true;
        run.logger.info({ key, planId }, 'resource-cache-fetch-wait');
        await inTransaction(run.ctx.pool, (client) =>
          appendBuildEvents(client, run.build.id, [
            logEvent({ id: planId, source: 'stderr' }, waitingLine),
          ]),
        );
      }
      await release.next();
      if (scope.cancel.isCancelled) throw new StepStoppedError('stopped while waiting to fetch');
      const cache = await cached();
      if (cache) return { cache };
    }
  } finally {
    release.dispose();
  }
}

/**
 * Release notices for `key`: `next()` resolves at the first notice since the last call, when the
 * step is stopped, or after `lookEveryMs`, whichever comes first.
 */
function releaseNotices(run: BuildRun, scope: Scope, key: string, lookEveryMs: number) {
  let pending = false;
  let wake: (() => void) | null = null;
  const notice = () => {
    pending = true;
    wake?.();
  };
  // An empty payload stands for notices that may have been missed while reconnecting.
  const unsubscribe = run.ctx.wakeups.on(channels.resourceCacheFetches, (payload) => {
    if (payload === key || payload === '') notice();
  });
  const stopListening = scope.cancel.onCancel(notice);
  return {
    next: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => wake?.(), lookEveryMs);
        wake = () => {
          clearTimeout(timer);
          wake = null;
          pending = false;
          resolve();
        };
        if (pending) wake();
      }),
    dispose: () => {
      wake?.();
      unsubscribe();
      stopListening();
    },
  };
}

/**
 * Lets go of every fetch this step holds and wakes their waiters. Not when this replica merely
 * stopped owning the build: the replica taking over still fetches under the same row.
 */
export async function releaseFetches(run: BuildRun, scope: Scope, planId: string): Promise<void> {
  if (scope.cancel.reason === 'released') return;
  try {
    const gone = await run.ctx.pool.query<{ store_key: string }>(
      `DELETE FROM resource_cache_fetches WHERE build_id = $1 AND plan_id = $2
       RETURNING store_key`,
      [run.build.id, planId],
    );
    for (const { store_key: key } of gone.rows) {
      await run.ctx.wakeups.notify(channels.resourceCacheFetches, key);
    }
  } catch (err) {
    // Waiters find the row stale once the step is no longer running.
    run.logger.warn({ planId, err: (err as Error).message }, 'resource-cache-fetch-release-failed');
  }
}

/**
 * Renews the rows this step holds every `renewEveryMs` while it runs, so a fetch that takes long
 * is never taken for one whose holder is gone. Returns the stop function.
 */
export function renewFetches(run: BuildRun, planId: string): () => void {
  const timer = setInterval(() => {
    run.ctx.pool
      .query(
        `UPDATE resource_cache_fetches SET renewed_at = now() WHERE build_id = $1 AND plan_id = $2`,
        [run.build.id, planId],
      )
      .catch((err: unknown) =>
        run.logger.warn(
          { planId, err: (err as Error).message },
          'resource-cache-fetch-renew-failed',
        ),
      );
  }, renewEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}
