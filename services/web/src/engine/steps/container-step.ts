// The life of a step that runs in a pod: publish the step job once, follow its events, finish it
// from its exit. Every transition is stored in build_steps first, so a replica taking over a build
// skips what finished and follows what runs, with the same job and handle.
import { inTransaction, type PoolClient } from '@jetbridge/db';
import type { StepJobInput } from '@jetbridge/bus';
import { workerName } from '@jetbridge/k8s';
import { appendBuildEvents, errorEvent, type BuildEvent } from '../../builds/index.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { StepError, type Outcome } from '../plan/outcome.ts';
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
  /** Written when the job is published (initialize-task, initialize-get, ...). */
  initEvents: BuildEvent[];
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

export interface ContainerStepSpec {
  planId: string;
  prepare(): Promise<PreparedStep>;
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

async function publishFresh(
  run: BuildRun,
  spec: ContainerStepSpec,
): Promise<ContainerStepResult | StepResult> {
  let prepared: PreparedStep;
  try {
    prepared = await spec.prepare();
  } catch (err) {
    if (err instanceof StepError) return failStep(run, spec.planId, err.message, false);
    throw err;
  }
  const { job } = prepared;
  const stored: StepResult = { ...prepared.extra, job };
  if (prepared.startEvent) stored.startEvent = prepared.startEvent;
  await inTransaction(run.ctx.pool, async (client) => {
    await insertStep(client, run.build.id, spec.planId, 'running', stored);
    await client.query(
      `INSERT INTO containers (handle, pod_name, team_id, build_id, plan_id, pipeline_id, job_id,
         resource_id, type, step_name, attempt, state, working_directory, worker_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'creating', $12, $13)
       ON CONFLICT (handle) DO NOTHING`,
      [
        job.handle,
        job.podName,
        run.build.teamId,
        run.build.id,
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
    await appendBuildEvents(client, run.build.id, prepared.initEvents);
  });
  await run.ctx.bus.publishStepJob(job);
  return stored;
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
  if (scope.cancel.reason) return { outcome: cancelOutcome(scope.cancel.reason), result: {} };

  if (!row) {
    const published = await publishFresh(run, spec);
    if ('outcome' in published) return published as ContainerStepResult;
  } else if (!row.result.exit && row.result.job) {
    // Same handle as before: the executor follows the pod it already has instead of a new one.
    await run.ctx.bus.publishStepJob(row.result.job);
  }

  const waited = await awaitExit(run, scope, spec.planId);
  const handle = waited.stored.job?.handle;
  if ('cancelled' in waited) {
    const reason = scope.cancel.reason === 'timeout' ? 'timeout' : 'aborted';
    await run.ctx.bus.publishAbort({ v: 1, buildId: build.id, handle, reason });
    const state = waited.cancelled === 'aborted' ? 'aborted' : 'failed';
    await updateStep(run.ctx.pool, build.id, spec.planId, state, {});
    return { outcome: waited.cancelled, result: waited.stored };
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
  await inTransaction(run.ctx.pool, async (client) => {
    await finished.persist?.(client);
    await updateStep(client, build.id, spec.planId, finished.state, finished.patch);
    await appendBuildEvents(client, build.id, finished.events);
  });
  return { outcome: finished.state as Outcome, result: { ...stored, ...finished.patch } };
}
