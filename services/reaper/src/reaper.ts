// The reaper service: while it leads, it heartbeats the worker row, sweeps pods, has the artifact
// service collect what nothing references, reaps old build logs and forgets idle image check
// scopes, all on timers.
import type { Bus } from '@jetbridge/bus';
import type { Pool } from '@jetbridge/db';
import { workerName } from '@jetbridge/k8s';
import type { Logger } from '@jetbridge/telemetry';
import type { Registry } from 'prom-client';
import { artifactCollector, type ArtifactCollection } from './gc/artifact-collection.ts';
import { forgetIdleImageChecks } from './gc/image-checks.ts';
import { sweep } from './gc/sweep.ts';
import { PodApi } from './kube/pod-api.ts';
import { Leadership } from './leader/leadership.ts';
import { reapBuildLogs } from './logs/build-log-reaper.ts';
import { noRetentionBounds } from './logs/retention.ts';
import { reaperMetrics } from './metrics.ts';
import { emptyReport, type ReaperSettings, type SweepReport } from './settings.ts';
import { singleFlight } from './single-flight.ts';
import { heartbeatWorker } from './worker/worker-row.ts';

export interface Reaper {
  stop(): Promise<void>;
  /** Runs one sweep now, then a heartbeat, if this replica leads (or can become leader). */
  sweepOnce(): Promise<SweepReport>;
  /** Asks the artifact service to collect now; null when this replica does not lead or has no bus. */
  collectArtifacts(): Promise<ArtifactCollection | null>;
  /** Reaps build logs past their jobs' retention now; null when this replica does not lead. */
  reapBuildLogs(): Promise<number | null>;
}

export async function startReaper(opts: {
  settings: ReaperSettings;
  pool: Pool;
  logger: Logger;
  registry: Registry;
  /** Without a bus the artifact store is not collected (the artifact service is not reachable). */
  bus?: Bus;
}): Promise<Reaper> {
  const { settings, pool, bus } = opts;
  const logger = opts.logger;
  const worker = workerName(settings.namespace);
  const pods = new PodApi(settings.kubeconfigPath, settings.namespace);
  const metrics = reaperMetrics(opts.registry);
  const leadership = new Leadership(pool, logger);
  const artifacts = bus ? artifactCollector(bus, logger) : null;
  const logs = singleFlight(() =>
    reapBuildLogs(pool, settings.buildLogRetention ?? noRetentionBounds, logger),
  );
  const imageChecks = singleFlight(async () => {
    const forgotten = await forgetIdleImageChecks(pool);
    if (forgotten > 0) logger.info({ forgotten }, 'idle-image-checks-forgotten');
    return forgotten;
  });
  let activeContainers = 0;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  // Leadership, sweeps and heartbeats run one at a time, so a sweep never overlaps another.
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = running.then(work, work);
    running = next.catch(() => {});
    return next;
  };
  const isLeading = () => serialised(async () => !stopped && (await leadership.ensure()));

  const registerWorker = async () => {
    const previous = await heartbeatWorker(pool, worker, activeContainers, settings.workerTtlMs);
    if (previous !== null && previous !== 'running') {
      logger.info({ worker, previous_state: previous }, 'worker-registered-again');
    }
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
      await registerWorker();
      logger.debug(report, 'gc-sweep-finished');
      return report;
    });

  const heartbeat = () =>
    serialised(async () => {
      if (stopped || !(await leadership.ensure())) return;
      await registerWorker();
    });

  // The artifact store and build logs are collected beside the sweep, never in its way: a slow
  // store must not hold up heartbeats.
  const collectArtifacts = async () => (artifacts && (await isLeading()) ? artifacts.run() : null);
  const reapLogs = async () => ((await isLeading()) ? logs.run() : null);
  const forgetImageChecks = async () => ((await isLeading()) ? imageChecks.run() : null);

  const onError = (event: string) => (err: unknown) => logger.warn({ err }, event);
  const collectEverything = async () => {
    await sweepNow().catch(onError('gc-sweep-failed'));
    void collectArtifacts().catch(onError('artifacts-gc-failed'));
    void reapLogs().catch(onError('build-log-reaping-failed'));
    void forgetImageChecks().catch(onError('image-check-gc-failed'));
  };
  const gcTimer = setInterval(() => void collectEverything(), settings.gcIntervalMs);
  const heartbeatTimer = setInterval(
    () => void heartbeat().catch(onError('worker-heartbeat-failed')),
    settings.heartbeatIntervalMs,
  );
  await heartbeat().catch(onError('worker-heartbeat-failed'));

  return {
    sweepOnce: sweepNow,
    collectArtifacts,
    reapBuildLogs: reapLogs,
    async stop() {
      stopped = true;
      clearInterval(gcTimer);
      clearInterval(heartbeatTimer);
      await running;
      await artifacts?.idle();
      await logs.idle();
      await imageChecks.idle();
      await leadership.release();
      await pods.close();
    },
  };
}
