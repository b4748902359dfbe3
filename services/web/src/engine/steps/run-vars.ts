// Vars still in a step's config when it runs, Concourse's credential lookups: resolved from the
// pipeline's var sources and instance vars. A var nothing defines fails the step instead of
// reaching the process as the literal `((name))`.
import type { GetPlan, PipelineConfig, PutPlan } from '@jetbridge/pipeline';
import { resolvePipelineVars, UndefinedVarsError } from '../../checker/check-source.ts';
import { StepError } from '../plan/outcome.ts';
import type { BuildRun } from '../plan/run-context.ts';

/** `value` with its vars resolved; StepError `<prefix>undefined vars: ...` when one is not. */
export async function resolveRemainingVars<T>(run: BuildRun, value: T, prefix = ''): Promise<T> {
  if (!JSON.stringify(value ?? null).includes('((')) return value;
  let pipeline = { jobs: [] } as unknown as PipelineConfig;
  if (run.build.pipelineId !== null) {
    const found = await run.ctx.pool.query<{ config: PipelineConfig }>(
      'SELECT config FROM pipelines WHERE id = $1',
      [run.build.pipelineId],
    );
    pipeline = found.rows[0]?.config ?? pipeline;
  }
  try {
    return resolvePipelineVars(pipeline, value, run.build.instanceVars);
  } catch (err) {
    if (err instanceof UndefinedVarsError) throw new StepError(`${prefix}${err.message}`);
    throw err;
  }
}

/** A get or put with the vars of its source and params resolved. */
export async function resolveResourceStepVars<T extends GetPlan | PutPlan>(
  run: BuildRun,
  step: T,
): Promise<T> {
  // One lookup for both: the pipeline's config is read at most once.
  const { source, params } = await resolveRemainingVars(run, {
    source: step.source,
    params: step.params,
  });
  return { ...step, source, params };
}
