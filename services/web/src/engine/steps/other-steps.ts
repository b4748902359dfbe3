// The remaining leaf step: prototype runs, which this server does not support.
import type { Plan } from '@jetbridge/pipeline';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { StepError } from '../plan/outcome.ts';
import type { ContainerStepResult } from './container-step.ts';
import { runPlainStep } from './plain-step.ts';

export async function runPrototypeStep(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
): Promise<ContainerStepResult> {
  return runPlainStep(run, scope, {
    planId: plan.id,
    announce: true,
    work: async () => {
      throw new StepError(`run ${plan.run!.message}: prototypes are not supported on this server`);
    },
  });
}
