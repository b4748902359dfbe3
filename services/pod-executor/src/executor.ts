// The pod-executor: takes step jobs off the bus (at most `maxInFlight` at once), runs each in its
// pod and acks the job only once its final event is published. Aborts and timeouts stop steps.
import type { AbortStep, Bus, StepJob, Stoppable } from '@jetbridge/bus';
import type { Logger } from '@jetbridge/telemetry';
import type { Registry } from 'prom-client';
import { serveArchiveOutput } from './artifacts/archive-output.ts';
import { ArtifactStoreClient } from './artifacts/store-client.ts';
import { runStep, type StepDeps } from './exec/step-runner.ts';
import { StepStoppedError } from './exec/step-stop.ts';
import { serveInterceptSessions } from './intercept/intercept-session.ts';
import { KubeClient } from './kube/kube-client.ts';
import { createExecutorMetrics } from './metrics.ts';
import { serveReadFile } from './read-file.ts';
import type { PodExecutorSettings } from './settings.ts';

interface RunningStep {
  buildId: number;
  controller: AbortController;
}

export interface PodExecutorOptions {
  settings: PodExecutorSettings;
  bus: Bus;
  logger: Logger;
  registry: Registry;
}

export async function startPodExecutor(
  opts: PodExecutorOptions,
): Promise<{ stop(): Promise<void> }> {
  const { settings, bus } = opts;
  const logger = opts.logger;
  const client = new KubeClient(settings.kubeconfigPath, settings.namespace);
  const artifacts = new ArtifactStoreClient(bus);
  const deps: StepDeps = {
    client,
    bus,
    settings,
    metrics: createExecutorMetrics(opts.registry),
    artifacts,
  };
  const running = new Map<string, RunningStep>();
  const inFlight = new Set<Promise<unknown>>();

  const handleJob = async (job: StepJob): Promise<void> => {
    const stepLogger = logger.child({
      build_id: job.buildId,
      step: job.metadata.stepName,
      pod: job.podName,
    });
    const controller = new AbortController();
    running.set(job.handle, { buildId: job.buildId, controller });
    const timer =
      job.timeoutMs === null
        ? undefined
        : setTimeout(
            () =>
              controller.abort(
                new StepStoppedError({ kind: 'abort', reason: 'timeout', byExecutor: true }),
              ),
            job.timeoutMs,
          );
    const work = runStep(deps, job, stepLogger, controller.signal);
    inFlight.add(work);
    try {
      await work;
    } finally {
      clearTimeout(timer);
      inFlight.delete(work);
      if (running.get(job.handle)?.controller === controller) running.delete(job.handle);
    }
  };

  const consumer = bus.consumeStepJobs(
    {
      maxInFlight: settings.maxInFlight,
      ...(settings.stepJobAckWaitMs ? { ackWaitMs: settings.stepJobAckWaitMs } : {}),
    },
    (job) => handleJob(job),
  );

  const aborts = bus.subscribeAborts((msg: AbortStep) => {
    for (const [handle, step] of running) {
      if (step.buildId !== msg.buildId || (msg.handle !== undefined && msg.handle !== handle))
        continue;
      logger.info({ build_id: msg.buildId, handle, reason: msg.reason }, 'step-abort-requested');
      step.controller.abort(new StepStoppedError({ kind: 'abort', reason: msg.reason }));
    }
  });
  const readFiles = serveReadFile(bus, client);
  const intercepts = serveInterceptSessions(bus, client, logger);
  const archives = serveArchiveOutput(bus, client, artifacts, logger);
  logger.info(
    { namespace: settings.namespace, max_in_flight: settings.maxInFlight },
    'pod-executor-started',
  );

  const stoppables: Stoppable[] = [consumer, aborts, readFiles, intercepts, archives];
  return {
    // Commands keep running in their pods; their jobs are not acked, so another replica re-attaches.
    async stop() {
      await Promise.all(stoppables.map((s) => s.stop()));
      for (const step of running.values())
        step.controller.abort(new StepStoppedError({ kind: 'shutdown' }));
      await Promise.allSettled([...inFlight]);
      await client.close();
      logger.info({}, 'pod-executor-stopped');
    },
  };
}
