// Runs sibling steps at most `limit` at a time (0 = all at once); with fail_fast the first
// failure cancels the siblings still running and stops new ones from starting.
import type { Plan } from '@jetbridge/pipeline';
import type { Outcome } from './outcome.ts';
import type { BuildRun, Scope } from './run-context.ts';
import { BuildReleasedError } from './cancellation.ts';
import { cancelOutcome } from '../steps/cancel-outcome.ts';

export type Walk = (run: BuildRun, plan: Plan, scope: Scope) => Promise<Outcome>;

/** Concourse's precedence: an error wins, then an abort, then a failure. */
export function combineOutcomes(outcomes: Outcome[]): Outcome {
  if (outcomes.includes('errored')) return 'errored';
  if (outcomes.includes('aborted')) return 'aborted';
  if (outcomes.includes('failed')) return 'failed';
  return 'succeeded';
}

export async function runTasksLimited(
  count: number,
  limit: number,
  scope: Scope,
  failFast: boolean,
  runOne: (index: number, scope: Scope) => Promise<Outcome>,
): Promise<Outcome> {
  const cancel = scope.cancel.child();
  const child: Scope = { ...scope, cancel };
  const outcomes: Outcome[] = new Array(count);
  let next = 0;
  let released: unknown = null;

  const worker = async () => {
    while (next < count) {
      const index = next++;
      if (cancel.reason) {
        outcomes[index] = cancel.reason === 'cancelled' ? 'failed' : cancelOutcome(cancel.reason);
        continue;
      }
      try {
        outcomes[index] = await runOne(index, child);
      } catch (err) {
        if (!(err instanceof BuildReleasedError)) throw err;
        released = err;
        outcomes[index] = 'aborted';
      }
      if (failFast && outcomes[index] !== 'succeeded') cancel.cancel('cancelled');
    }
  };
  const width = limit > 0 ? Math.min(limit, count) : count;
  await Promise.all(Array.from({ length: width }, worker));
  if (released) throw released;
  if (scope.cancel.reason) return cancelOutcome(scope.cancel.reason);
  return combineOutcomes(outcomes);
}

export function runLimited(
  run: BuildRun,
  steps: Plan[],
  scope: Scope,
  limit: number,
  failFast: boolean,
  walk: Walk,
): Promise<Outcome> {
  return runTasksLimited(steps.length, limit, scope, failFast, (i, s) => walk(run, steps[i]!, s));
}
