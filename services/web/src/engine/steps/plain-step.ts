// Steps that run inside web itself (load_var, set_pipeline, artifact steps): their result is
// written together with their events, once; a takeover reads it back instead of running again.
import { inTransaction } from '@jetbridge/db';
import { appendBuildEvents, errorEvent, eventTime, type BuildEvent } from '../../builds/index.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { StepError, type Outcome } from '../plan/outcome.ts';
import { cancelOutcome } from './cancel-outcome.ts';
import type { ContainerStepResult } from './container-step.ts';
import { insertStep, isFinished, loadStep, type StepResult } from './step-store.ts';

export interface PlainStepSpec {
  planId: string;
  /** Generic steps announce themselves with initialize/start/finish events. */
  announce: boolean;
  work(): Promise<{ ok: boolean; result: StepResult; events?: BuildEvent[] }>;
}

export async function runPlainStep(
  run: BuildRun,
  scope: Scope,
  spec: PlainStepSpec,
): Promise<ContainerStepResult> {
  const row = await loadStep(run.ctx.pool, run.build.id, spec.planId);
  if (row && isFinished(row.state)) return { outcome: row.state as Outcome, result: row.result };
  if (scope.cancel.reason) return { outcome: cancelOutcome(scope.cancel.reason), result: {} };

  const origin = { id: spec.planId };
  const events: BuildEvent[] = spec.announce
    ? [
        { type: 'initialize', version: '1.0', data: { origin, time: eventTime() } },
        { type: 'start', version: '1.0', data: { origin, time: eventTime() } },
      ]
    : [];
  let outcome: Outcome;
  let result: StepResult;
  try {
    const done = await spec.work();
    outcome = done.ok ? 'succeeded' : 'failed';
    result = done.result;
    events.push(...(done.events ?? []));
    if (spec.announce) {
      events.push({
        type: 'finish',
        version: '1.0',
        data: { origin, time: eventTime(), succeeded: done.ok },
      });
    }
  } catch (err) {
    if (!(err instanceof StepError)) throw err;
    outcome = 'errored';
    result = { error: err.message };
    events.push(errorEvent(origin, err.message));
  }
  await inTransaction(run.ctx.pool, async (client) => {
    await insertStep(client, run.build.id, spec.planId, outcome, result);
    await appendBuildEvents(client, run.build.id, events);
  });
  return { outcome, result };
}
