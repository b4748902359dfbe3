// What a step amounts to when it is stopped from outside.
import { BuildReleasedError, type CancelReason } from '../plan/cancellation.ts';
import type { Outcome } from '../plan/outcome.ts';

/** Aborts end `aborted`; timeouts and fail_fast cancellations fail the step. */
export function cancelOutcome(reason: CancelReason): Outcome {
  if (reason === 'released') throw new BuildReleasedError('build released');
  return reason === 'aborted' ? 'aborted' : 'failed';
}
