// Container handles: derived from what identifies a step, so every replica that sees the same step
// (a redelivered job, a restarted web) computes the same handle and finds the same pod.
import { sha256Hex } from './hash.ts';

export interface StepIdentity {
  buildId: number;
  planId: string;
  attempt: string | number;
}

/** 32 lowercase hex characters, the same for the same build, plan id and attempt. */
export function containerHandle(step: StepIdentity): string {
  return sha256Hex(`step\u0000${step.buildId}\u0000${step.planId}\u0000${step.attempt}`).slice(
    0,
    32,
  );
}

/** The handle of a check container: one per resource scope and check build. */
export function checkHandle(resourceScopeKey: string, checkBuildId: number): string {
  return sha256Hex(`check\u0000${resourceScopeKey}\u0000${checkBuildId}`).slice(0, 32);
}
