// The artifact steps of `fly execute`: `artifact_input` names an uploaded tar of the artifact store,
// `artifact_output` puts a step's output into the store and registers it for download.
import { createHash } from 'node:crypto';
import { archiveOutput } from '@jetbridge/bus';
import type { Plan } from '@jetbridge/pipeline';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { StepError } from '../plan/outcome.ts';
import type { ContainerStepResult } from './container-step.ts';
import { runPlainStep } from './plain-step.ts';

/** Archiving streams the whole output; the bound is generous because outputs can be large. */
const archiveTimeoutMs = 60 * 60 * 1000;

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

// The same build and plan always give the same key, so a replica taking over the build rewrites
// the same tar instead of leaving a second one behind.
function outputKey(buildId: number, planId: string): string {
  const digest = createHash('sha256').update(planId).digest('hex').slice(0, 24);
  return `output-b${buildId}-${digest}`;
}

async function storeOutput(
  run: BuildRun,
  plan: Plan,
  source: NonNullable<ReturnType<Scope['artifacts']['find']>>,
): Promise<string> {
  if (source.kind === 'artifact') return source.key;
  const key = outputKey(run.build.id, plan.id);
  const reply = await run.ctx.bus.request(
    'podExecutor',
    'archive-output',
    archiveOutput,
    { v: 1, podName: source.podName, path: source.path, key },
    archiveTimeoutMs,
  );
  if (!reply.ok)
    throw new StepError(`storing output '${plan.artifact_output!.name}' failed: ${reply.error}`);
  return key;
}

/** `fly execute -o`: the output goes to the artifact store and is listed for download. */
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
      const key = await storeOutput(run, plan, artifact);
      await run.ctx.pool.query(
        `INSERT INTO artifacts (team_id, build_id, name, store_key)
         SELECT $1, $2, $3, $4
         WHERE NOT EXISTS (SELECT 1 FROM artifacts WHERE build_id = $2 AND name = $3)`,
        [run.build.teamId, run.build.id, output.name, key],
      );
      const { image: _image, ...source } = artifact;
      return { ok: true, result: { output: { name: output.name, source } } };
    },
  });
}
