// The build engine: claims started builds, drives each to completion, and hands builds over
// between replicas through leases in Postgres. Wakes on channels.builds and polls as well.
import { channels, runOnWakeup } from '@jetbridge/db';
import type { WebContext } from '../context.ts';
import { BuildRunner } from './build-runner.ts';
import { claimBuilds, finishedBuilds, releaseBuilds, renewLeases } from './claims/build-leases.ts';

const maxClaimPerTick = 20;

export function startBuildEngine(ctx: WebContext): { stop(): Promise<void> } {
  const leaseMs = ctx.settings.buildLeaseMs;
  const runners = new Map<number, BuildRunner>();
  const logger = ctx.logger.child({ component: 'build-engine' });
  let stopping = false;

  const tick = async () => {
    if (stopping) return;
    const held = [...runners.keys()];
    const renewed = await renewLeases(ctx.pool, ctx.replicaId, leaseMs, held);
    const still = new Set(renewed.map((r) => r.id));
    const missing = held.filter((id) => !still.has(id));
    // A build that finished since the last tick is no longer renewed, but it was not lost: its
    // runner is only finishing.
    const finished = await finishedBuilds(ctx.pool, missing);
    for (const id of missing) {
      if (finished.has(id)) continue;
      logger.warn({ build_id: id }, 'build-lease-lost');
      void runners.get(id)?.release();
    }
    // Abort flags are read fresh on every tick (and every wakeup), never cached.
    for (const r of renewed) if (r.aborted) runners.get(r.id)?.abort();

    if (stopping) return;
    const claimed = await claimBuilds(
      ctx.pool,
      ctx.replicaId,
      leaseMs,
      [...runners.keys()],
      maxClaimPerTick,
    );
    for (const id of claimed) {
      if (runners.has(id)) continue;
      const runner = new BuildRunner(ctx, id);
      runners.set(id, runner);
      logger.info({ build_id: id }, 'build-claimed');
      runner.start(() => {
        if (runners.get(id) === runner) runners.delete(id);
        // Another build may be waiting for a free slot, or this one needs a new owner.
        void ctx.wakeups.notify(channels.builds, String(id)).catch(() => {});
      });
    }
  };

  const stopLoop = runOnWakeup({
    wakeups: ctx.wakeups,
    channel: channels.builds,
    // Renewal must happen well within the lease, and a missed NOTIFY is caught up by polling.
    pollIntervalMs: Math.max(50, Math.floor(leaseMs / 3)),
    tick,
    onError: (err) => logger.error({ err }, 'build-engine-tick-failed'),
  });

  return {
    async stop() {
      stopping = true;
      await stopLoop();
      const held = [...runners.values()];
      await Promise.all(held.map((r) => r.release()));
      await releaseBuilds(
        ctx.pool,
        ctx.replicaId,
        held.map((r) => r.buildId),
      );
      if (held.length > 0) await ctx.wakeups.notify(channels.builds, '').catch(() => {});
    },
  };
}
