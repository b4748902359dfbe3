// Walks a build plan with Concourse's semantics: do, in_parallel, try, retry, timeout, across and
// the hooks. Leaves run through run-leaf; this file only decides what runs next and what the
// outcome of each composite step is.
import { parseGoDuration, type HookPlan, type Plan } from '@jetbridge/pipeline';
import { inTransaction } from '@jetbridge/db';
import { appendBuildEvents, errorEvent } from '../../builds/index.ts';
import { runAcross } from './across.ts';
import { Cancellation } from './cancellation.ts';
import { isLeaf, leafTimeout, runLeaf } from './run-leaf.ts';
import { runLimited } from './run-limited.ts';
import { isOk, type Outcome } from './outcome.ts';
import type { BuildRun, Scope } from './run-context.ts';
import { cancelOutcome } from '../steps/cancel-outcome.ts';
import { insertStep, loadStep } from '../steps/step-store.ts';

const hookKeys = ['on_success', 'on_failure', 'on_abort', 'on_error', 'ensure'] as const;

export async function walkPlan(run: BuildRun, plan: Plan, scope: Scope): Promise<Outcome> {
  if (plan.attempts?.length) scope = { ...scope, attempt: plan.attempts.join('.') };

  for (const key of hookKeys) {
    const hooked = plan[key];
    if (hooked) return runHooked(run, key, hooked, scope);
  }
  if (plan.do) return runSequence(run, plan.do, scope);
  if (plan.in_parallel) {
    const { steps, limit, fail_fast } = plan.in_parallel;
    return runLimited(run, steps ?? [], scope, limit ?? 0, fail_fast === true, walkPlan);
  }
  if (plan.try) {
    const outcome = await walkPlan(run, plan.try.step, scope);
    return outcome === 'aborted' ? 'aborted' : 'succeeded';
  }
  if (plan.retry) return runRetry(run, plan.retry, scope);
  if (plan.timeout) {
    const { step, duration } = plan.timeout;
    return runTimeout(run, plan.id, duration, scope, (s) => walkPlan(run, step, s), step.id);
  }
  if (plan.across) return runAcross(run, plan, scope, walkPlan);
  if (isLeaf(plan)) {
    const timeout = leafTimeout(plan);
    if (timeout)
      return runTimeout(
        run,
        `${plan.id}/timeout`,
        timeout,
        scope,
        (s) => runLeaf(run, s, plan),
        plan.id,
      );
    return runLeaf(run, scope, plan);
  }
  if (Object.keys(plan).every((k) => k === 'id' || k === 'attempts')) return 'succeeded';
  throw new Error(`unknown plan step in ${plan.id}: ${Object.keys(plan).join(', ')}`);
}

async function runSequence(run: BuildRun, steps: Plan[], scope: Scope): Promise<Outcome> {
  for (const step of steps) {
    if (scope.cancel.reason) return cancelOutcome(scope.cancel.reason);
    const outcome = await walkPlan(run, step, scope);
    if (!isOk(outcome)) return outcome;
  }
  return 'succeeded';
}

async function runRetry(run: BuildRun, attempts: Plan[], scope: Scope): Promise<Outcome> {
  let outcome: Outcome = 'succeeded';
  for (const attempt of attempts) {
    if (scope.cancel.reason) return cancelOutcome(scope.cancel.reason);
    outcome = await walkPlan(run, attempt, scope);
    if (outcome === 'succeeded' || outcome === 'aborted') return outcome;
  }
  return outcome;
}

/** Hooks that must run even after an abort run outside the build's abort. */
function detachedScope(run: BuildRun, scope: Scope, hookStatus: Outcome): Scope {
  return { ...scope, cancel: run.released.child(), hookStatus };
}

async function runHooked(
  run: BuildRun,
  key: (typeof hookKeys)[number],
  hooked: HookPlan,
  scope: Scope,
): Promise<Outcome> {
  const outcome = await walkPlan(run, hooked.step, scope);
  const hook = hooked[key]!;
  switch (key) {
    case 'on_success':
      return outcome === 'succeeded'
        ? walkPlan(run, hook, { ...scope, hookStatus: 'succeeded' })
        : outcome;
    case 'on_failure': {
      if (outcome !== 'failed') return outcome;
      const after = await walkPlan(run, hook, { ...scope, hookStatus: 'failed' });
      return after === 'errored' || after === 'aborted' ? after : 'failed';
    }
    case 'on_error': {
      if (outcome !== 'errored') return outcome;
      await walkPlan(run, hook, { ...scope, hookStatus: 'errored' });
      return 'errored';
    }
    case 'on_abort': {
      if (outcome !== 'aborted') return outcome;
      await walkPlan(run, hook, detachedScope(run, scope, 'aborted'));
      return 'aborted';
    }
    case 'ensure': {
      const after = await walkPlan(run, hook, detachedScope(run, scope, outcome));
      if (outcome === 'aborted' || outcome === 'errored') return outcome;
      if (after === 'errored' || after === 'aborted') return after;
      return isOk(outcome) && isOk(after) ? 'succeeded' : 'failed';
    }
  }
}

/**
 * Runs `body` with a deadline. The deadline is stored under `timeoutId` when first set, so a
 * replica taking over keeps the original one. On expiry the step fails with `timeout exceeded`.
 */
async function runTimeout(
  run: BuildRun,
  timeoutId: string,
  duration: string,
  scope: Scope,
  body: (scope: Scope) => Promise<Outcome>,
  originId: string,
): Promise<Outcome> {
  const ms = parseGoDuration(duration.trim());
  if (ms === null) throw new Error(`invalid timeout ${duration} in ${timeoutId}`);
  const stored = await loadStep(run.ctx.pool, run.build.id, timeoutId);
  let deadline = stored?.result.deadline;
  if (deadline === undefined) {
    deadline = Date.now() + ms;
    await insertStep(run.ctx.pool, run.build.id, timeoutId, 'running', { deadline });
  }
  const cancel: Cancellation = scope.cancel.child();
  const timer = setTimeout(() => cancel.cancel('timeout'), Math.max(0, deadline - Date.now()));
  let outcome: Outcome;
  try {
    outcome = await body({ ...scope, cancel });
  } finally {
    clearTimeout(timer);
  }
  if (cancel.reason === 'timeout' && !scope.cancel.reason) {
    await inTransaction(run.ctx.pool, (client) =>
      appendBuildEvents(client, run.build.id, [errorEvent({ id: originId }, 'timeout exceeded')]),
    );
    return 'failed';
  }
  return outcome;
}
