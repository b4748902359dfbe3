// The result of running a part of a plan, in Concourse's terms.

export type Outcome = 'succeeded' | 'failed' | 'errored' | 'aborted';

/** A step that cannot run (bad config, missing input, unreadable result): the build errors. */
export class StepError extends Error {
  override name = 'StepError';
}

export function isOk(outcome: Outcome): boolean {
  return outcome === 'succeeded';
}

/** A step stopped from outside while it prepared (its image fetch was aborted or timed out). */
export class StepStoppedError extends Error {
  override name = 'StepStoppedError';
}
