// The life of a step that runs in a pod: write its first events, fetch its image (sub-steps of
// their own), publish the step job once, follow its events, finish it from its exit. Every
// transition is stored in build_steps first, so a replica taking over a build skips what finished
// and follows what runs, with the same job and handle.
import { inTransaction, type PoolClient } from '@jetbridge/db';
import type { StepJobInput } from '@jetbridge/bus';
import { workerName } from '@jetbridge/k8s';
import { appendBuildEvents, errorEvent, type BuildEvent } from '../../builds/index.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { StepError, StepStoppedError, type Outcome } from '../plan/outcome.ts';
import { cancelOutcome } from './cancel-outcome.ts';
import {
  insertStep,
  isFinished,
  loadStep,
  updateStep,
  type StepExit,
  type StepResult,
  type StepState,
} from './step-store.ts';

export interface PreparedStep {
  job: StepJobInput;
  /** Written when the job is published, unless `begin` wrote the step's first events already. */
  initEvents?: BuildEvent[];
  /** Written when the executor reports the process started. */
  startEvent?: BuildEvent;
  extra?: StepResult;
}

export interface FinishedStep {
  state: Exclude<StepState, 'running'>;
  events: BuildEvent[];
  patch: StepResult;
  /** Writes that belong to the step's completion (saved versions), in the same transaction. */
  persist?: (client: PoolClient) => Promise<void>;
}

/** A step that turned out to need no pod (a check within its interval, a cached get). */
export interface SettledStep {
  settled: FinishedStep;
}

export interface PrepareContext {
  /**
   * Writes the step's first events (initialize-task, initialize-get, ...) once, before anything
   * slow runs; a replica taking over a step that began writes nothing again.
   */
  begin(events: BuildEvent[]): Promise<void>;
}

export interface ContainerStepSpec {
  planId: string;
  prepare(ctx: PrepareContext): Promise<PreparedStep | SettledStep>;
  /** Turns a normal exit into events and a result; throws StepError when the result is unusable. */
  finish(
    exit: Required<Pick<StepExit, 'exitStatus'>> & StepExit,
    stored: StepResult,
  ): Promise<FinishedStep>;
}

export interface ContainerStepResult {
  outcome: Outcome;
  result: StepResult;
}

/** Records a step that could not run: an error event and state errored. */
export async function failStep(
  run: BuildRun,
  planId: string,
  message: string,
  exists: boolean,
): Promise<ContainerStepResult> {
  const result = { error: message };
  await inTransaction(run.ctx.pool, async (client) => {
    if (exists) await updateStep(client, run.build.id, planId, 'errored', result);
    else await insertStep(client, run.build.id, planId, 'errored', result);
    await appendBuildEvents(client, run.build.id, [errorEvent({ id: planId }, message)]);
  });
  return { outcome: 'errored', result };
}

/** Runs `finished`'s writes and events and sets the step's final state, in one transaction. */
async function complete(
  run: BuildRun,
  planId: string,
  finished: FinishedStep,
  exists: boolean,
): Promise<void> {
  await inTransaction(run.ctx.pool, async (client) => {
    await finished.persist?.(client);
    if (exists) await updateStep(client, run.build.id, planId, finished.state, finished.patch);
    else await insertStep(client, run.build.id, planId, finished.state, finished.patch);
    await appendBuildEvents(client, run.build.id, finished.events);
  });
}

/**
 * Prepares a step that has no job yet (new, or begun by a replica that stopped) and publishes its
 * job; a step that settles without a pod, fails to prepare or is stopped meanwhile ends here.
 */
async function prepareAndPublish(
  run: BuildRun,
  scope: Scope,
  spec: ContainerStepSpec,
  begun: boolean,
): Promise<ContainerStepResult | StepResult> {
  const { pool } = run.ctx;
  const buildId = run.build.id;
  const ctx: PrepareContext = {
    begin: async (events) => {
      if (begun) return;
      await inTransaction(pool, async (client) => {
        if (await insertStep(client, buildId, spec.planId, 'running', {})) {
          await appendBuildEvents(client, buildId, events);
        }
      });
      begun = true;
    },
  };
  let prepared: PreparedStep | SettledStep;
  try {
    prepared = await spec.prepare(ctx);
  } catch (err) {
    if (err instanceof StepError) return failStep(run, spec.planId, err.message, begun);
    if (err instanceof StepStoppedError) return stopped(run, scope, spec.planId, begun, {});
    throw err;
  }
  if ('settled' in prepared) {
    await complete(run, spec.planId, prepared.settled, begun);
    return { outcome: prepared.settled.state as Outcome, result: prepared.settled.patch };
  }

  const { job } = prepared;
  const stored: StepResult = { ...prepared.extra, job };
  if (prepared.startEvent) stored.startEvent = prepared.startEvent;
  await inTransaction(pool, async (client) => {
    if (begun) await updateStep(client, buildId, spec.planId, 'running', stored);
    else await insertStep(client, buildId, spec.planId, 'running', stored);
    await client.query(
      `INSERT INTO containers (handle, pod_name, team_id, build_id, plan_id, pipeline_id, job_id,
         resource_id, type, step_name, attempt, state, working_directory, worker_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'creating', $12, $13)
       ON CONFLICT (handle) DO NOTHING`,
      [
        job.handle,
        job.podName,
        run.build.teamId,
        buildId,
        spec.planId,
        run.build.pipelineId,
        run.build.jobId,
        run.build.resourceId,
        job.type,
        job.metadata.stepName,
        job.attempt,
        job.workingDir,
        workerName(run.ctx.settings.namespace),
      ],
    );
    if (!begun) await appendBuildEvents(client, buildId, prepared.initEvents ?? []);
  });
  await run.ctx.bus.publishStepJob(job);
  return stored;
}

/** A step stopped from outside (abort, timeout, fail_fast) before or while its pod ran. */
async function stopped(
  run: BuildRun,
  scope: Scope,
  planId: string,
  exists: boolean,
  stored: StepResult,
): Promise<ContainerStepResult> {
  const outcome = cancelOutcome(scope.cancel.reason ?? 'aborted');
  if (exists) {
    const state = outcome === 'aborted' ? 'aborted' : 'failed';
    await updateStep(run.ctx.pool, run.build.id, planId, state, {});
  }
  return { outcome, result: stored };
}

async function awaitExit(
  run: BuildRun,
  scope: Scope,
  planId: string,
): Promise<{ exit: StepExit; stored: StepResult } | { cancelled: Outcome; stored: StepResult }> {
  const waiting = run.follower.waitForExit(planId);
  const cancelled = scope.cancel.whenCancelled();
  try {
    const row = await loadStep(run.ctx.pool, run.build.id, planId);
    const stored = row?.result ?? {};
    if (stored.exit) return { exit: stored.exit, stored };
    const first = await Promise.race([
      waiting.promise.then((exit) => ({ exit }) as const),
      cancelled.promise.then((reason) => ({ reason }) as const),
    ]);
    if ('exit' in first) return { exit: first.exit, stored };
    return { cancelled: cancelOutcome(first.reason), stored };
  } finally {
    waiting.dispose();
    cancelled.dispose();
  }
}

export async function runContainerStep(
  run: BuildRun,
  scope: Scope,
  spec: ContainerStepSpec,
): Promise<ContainerStepResult> {
  const { build } = run;
  const row = await loadStep(run.ctx.pool, build.id, spec.planId);
  if (row && isFinished(row.state)) return { outcome: row.state as Outcome, result: row.result };
  if (scope.cancel.reason) {
    if (row && !row.result.job) return stopped(run, scope, spec.planId, true, {});
    return { outcome: cancelOutcome(scope.cancel.reason), result: {} };
  }

  if (!row?.result.job) {
    const published = await prepareAndPublish(run, scope, spec, row !== null);
    if ('outcome' in published) return published as ContainerStepResult;
  } else if (!row.result.exit) {
    // Same handle as before: the executor follows the pod it already has instead of a new one,
    // and once the command has started, it may only follow it.
    const { job, started } = row.result;
    await run.ctx.bus.publishStepJob(started ? { ...job, resumeOnly: true } : job);
  }

  const waited = await awaitExit(run, scope, spec.planId);
  const handle = waited.stored.job?.handle;
  if ('cancelled' in waited) {
    const reason = scope.cancel.reason === 'timeout' ? 'timeout' : 'aborted';
    await run.ctx.bus.publishAbort({ v: 1, buildId: build.id, handle, reason });
    return stopped(run, scope, spec.planId, true, waited.stored);
  }

  const { exit, stored } = waited;
  if (exit.error !== undefined || exit.exitStatus === undefined) {
    return failStep(run, spec.planId, exit.error ?? 'step ended without an exit status', true);
  }
  let finished: FinishedStep;
  try {
    finished = await spec.finish({ ...exit, exitStatus: exit.exitStatus }, stored);
  } catch (err) {
    if (err instanceof StepError) return failStep(run, spec.planId, err.message, true);
    throw err;
  }
  await complete(run, spec.planId, finished, true);
  return { outcome: finished.state as Outcome, result: { ...stored, ...finished.patch } };
}
