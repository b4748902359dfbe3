// The parts of a step job every leaf step shares: identity, handle, pod name, metadata.
import type { StepJobInput } from '@jetbridge/bus';
import { checkPodName, containerHandle, stepPodName } from '@jetbridge/k8s';
import type { BuildRun, Scope } from '../plan/run-context.ts';

export type StepType = StepJobInput['type'];

export interface StepIdentity {
  planId: string;
  type: StepType;
  stepName: string;
  resource?: string | null;
}

export function stepHandle(run: BuildRun, scope: Scope, planId: string): string {
  return containerHandle({ buildId: run.build.id, planId, attempt: scope.attempt });
}

export function baseStepJob(
  run: BuildRun,
  scope: Scope,
  step: StepIdentity,
): Pick<
  StepJobInput,
  'v' | 'buildId' | 'planId' | 'handle' | 'podName' | 'type' | 'attempt' | 'metadata'
> {
  const { build } = run;
  const handle = stepHandle(run, scope, step.planId);
  const podName =
    step.type === 'check'
      ? checkPodName(step.resource ?? step.stepName, handle)
      : stepPodName({
          pipeline: build.pipelineName,
          job: build.jobName,
          buildName: build.name,
          stepType: step.type,
          handle,
        });
  return {
    v: 1,
    buildId: build.id,
    planId: step.planId,
    handle,
    podName,
    type: step.type,
    attempt: scope.attempt,
    metadata: {
      teamId: build.teamId,
      team: build.teamName,
      pipelineId: build.pipelineId,
      pipeline: build.pipelineName,
      instanceVars: build.instanceVars,
      jobId: build.jobId,
      job: build.jobName,
      buildName: build.name,
      stepName: step.stepName,
      resource: step.resource ?? null,
    },
  };
}
