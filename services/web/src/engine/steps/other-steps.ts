// The remaining leaf steps: artifacts of fly execute and prototype runs.
import type { Plan } from '@jetbridge/pipeline';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { StepError } from '../plan/outcome.ts';
import type { ContainerStepResult } from './container-step.ts';
import { runPlainStep } from './plain-step.ts';

/** `fly execute -i`: an uploaded tar in the artifact store becomes a named artifact. */
export async function runArtifactInput(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
): Promise<ContainerStepResult> {
  const input = plan.artifact_input!;
  return runPlainStep(run, scope, {
    planId: plan.id,
    announce: false,
    work: async () => {
      const found = await run.ctx.pool.query<{ store_key: string }>(
        'SELECT store_key FROM artifacts WHERE id = $1 AND team_id = $2',
        [input.artifact_id, run.build.teamId],
      );
      const key = found.rows[0]?.store_key;
      if (!key) throw new StepError(`artifact ${input.artifact_id} not found`);
      return { ok: true, result: { artifacts: { [input.name]: { kind: 'artifact', key } } } };
    },
  });
}

/** `fly execute -o`: records where the named artifact is, for the download route. */
export async function runArtifactOutput(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
): Promise<ContainerStepResult> {
  const output = plan.artifact_output!;
  return runPlainStep(run, scope, {
    planId: plan.id,
    announce: false,
    work: async () => {
      const artifact = scope.artifacts.find(output.name);
      if (!artifact) throw new StepError(`artifact '${output.name}' not found`);
      const { image: _image, ...source } = artifact;
      return { ok: true, result: { output: { name: output.name, source } } };
    },
  });
}

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
