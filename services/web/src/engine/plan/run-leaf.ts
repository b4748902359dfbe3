// Runs one leaf step and makes what it produced (artifacts, local vars) visible to later steps,
// also when the step had finished before a takeover and is only read back.
import type { Plan } from '@jetbridge/pipeline';
import { runCheckStep } from '../steps/check-step.ts';
import type { ContainerStepResult } from '../steps/container-step.ts';
import { runLoadVarStep } from '../steps/load-var-step.ts';
import { runArtifactInput, runArtifactOutput } from '../steps/artifact-steps.ts';
import { runPrototypeStep } from '../steps/other-steps.ts';
import { runSetPipelineStep } from '../steps/set-pipeline-step.ts';
import { runGetStep, runPutStep } from '../steps/resource-step.ts';
import { runTaskStep } from '../steps/task-step.ts';
import type { Outcome } from './outcome.ts';
import type { BuildRun, Scope } from './run-context.ts';

type LeafRunner = (run: BuildRun, scope: Scope, plan: Plan) => Promise<ContainerStepResult>;

function leafRunner(plan: Plan): LeafRunner | null {
  if (plan.task) return runTaskStep;
  if (plan.get) return runGetStep;
  if (plan.put) return runPutStep;
  if (plan.check) return runCheckStep;
  if (plan.load_var) return runLoadVarStep;
  if (plan.set_pipeline) return runSetPipelineStep;
  if (plan.artifact_input) return runArtifactInput;
  if (plan.artifact_output) return runArtifactOutput;
  if (plan.run) return runPrototypeStep;
  return null;
}

export function isLeaf(plan: Plan): boolean {
  return leafRunner(plan) !== null;
}

/** The `timeout` field of get, put and task steps (other steps are wrapped by the planner). */
export function leafTimeout(plan: Plan): string | undefined {
  return plan.task?.timeout ?? plan.get?.timeout ?? plan.put?.timeout ?? plan.check?.timeout;
}

export async function runLeaf(run: BuildRun, scope: Scope, plan: Plan): Promise<Outcome> {
  const runner = leafRunner(plan)!;
  const { outcome, result } = await runner(run, scope, plan);
  for (const [name, source] of Object.entries(result.artifacts ?? {})) {
    scope.artifacts.register(name, source);
  }
  if (result.localVar) scope.vars.set(result.localVar.name, result.localVar.value);
  return outcome;
}
