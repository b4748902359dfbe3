// The reaper service: while it leads, it heartbeats the worker row and sweeps pods on timers.
import type { Pool } from '@jetbridge/db';
import { workerName } from '@jetbridge/k8s';
import type { Logger } from '@jetbridge/telemetry';
import type { Registry } from 'prom-client';
import { sweep } from './gc/sweep.ts';
import { PodApi } from './kube/pod-api.ts';
import { Leadership } from './leader/leadership.ts';
import { reaperMetrics } from './metrics.ts';
import { emptyReport, type ReaperSettings, type SweepReport } from './settings.ts';
import { heartbeatWorker } from './worker/worker-row.ts';

export interface Reaper {
  stop(): Promise<void>;
  /** Runs one sweep now, then a heartbeat, if this replica leads (or can become leader). */
  sweepOnce(): Promise<SweepReport>;
}

export async function startReaper(opts: {
  settings: ReaperSettings;
  pool: Pool;
  logger: Logger;
  registry: Registry;
}): Promise<Reaper> {
  const { settings, pool } = opts;
  const logger = opts.logger.child({ component: 'reaper' });
  const worker = workerName(settings.namespace);
  const pods = new PodApi(settings.kubeconfigPath, settings.namespace);
  const metrics = reaperMetrics(opts.registry);
  const leadership = new Leadership(pool, logger);
  let activeContainers = 0;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  // Timer work and sweepOnce run one at a time, so a sweep never overlaps another.
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = running.then(work, work);
    running = next.catch(() => {});
    return next;
  };

  const sweepNow = () =>
    serialised(async () => {
      if (stopped || !(await leadership.ensure())) return emptyReport(false);
      const endTimer = metrics.gcDuration.startTimer();
      const report = await sweep({ pool, pods, settings, workerName: worker, logger });
      endTimer();
      activeContainers = report.listed - report.deleted;
      metrics.containers.set(activeContainers);
      metrics.podsDeleted.inc(report.deleted);
      await heartbeatWorker(pool, worker, activeContainers, settings.workerTtlMs);
      logger.debug(report, 'gc-sweep-finished');
      return report;
    });

  const heartbeat = () =>
    serialised(async () => {
      if (stopped || !(await leadership.ensure())) return;
      await heartbeatWorker(pool, worker, activeContainers, settings.workerTtlMs);
    });

  const onError = (event: string) => (err: unknown) => logger.warn({ err }, event);
  const gcTimer = setInterval(
    () => void sweepNow().catch(onError('gc-sweep-failed')),
    settings.gcIntervalMs,
  );
  const heartbeatTimer = setInterval(
    () => void heartbeat().catch(onError('worker-heartbeat-failed')),
    settings.heartbeatIntervalMs,
  );
  await heartbeat().catch(onError('worker-heartbeat-failed'));

  return {
    sweepOnce: sweepNow,
    async stop() {
      stopped = true;
      clearInterval(gcTimer);
      clearInterval(heartbeatTimer);
      await running;
      await leadership.release();
    },
  };
}
