// set_pipeline: the file from an artifact, with the step's vars and var files, is validated and
// saved through the same code as `fly set-pipeline`; a pipeline it creates starts unpaused.
import { parse as parseYaml } from 'yaml';
import { channels, inTransaction } from '@jetbridge/db';
import {
  interpolateTemplate,
  MalformedConfigError,
  parsePipeline,
  validatePipeline,
  type Plan,
} from '@jetbridge/pipeline';
import { savePipelineConfig } from '../../api/pipeline-store.ts';
import { logEvent } from '../../builds/index.ts';
import { StepError } from '../plan/outcome.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import type { ContainerStepResult } from './container-step.ts';
import { runPlainStep } from './plain-step.ts';
import { readArtifactFile } from './read-artifact-file.ts';

async function stepVars(run: BuildRun, scope: Scope, plan: Plan): Promise<Record<string, unknown>> {
  const step = plan.set_pipeline!;
  const vars: Record<string, unknown> = {};
  for (const file of step.var_files ?? []) {
    const loaded = parseYaml(await readArtifactFile(run, scope, file)) as unknown;
    if (loaded && typeof loaded === 'object') Object.assign(vars, loaded);
  }
  return { ...vars, ...step.vars };
}

async function teamId(run: BuildRun, team: string | undefined): Promise<number> {
  if (!team || team === run.build.teamName) return run.build.teamId;
  const found = await run.ctx.pool.query<{ id: number }>('SELECT id FROM teams WHERE name = $1', [
    team,
  ]);
  const id = found.rows[0]?.id;
  if (id === undefined) throw new StepError(`team ${team} not found`);
  return id;
}

export async function runSetPipelineStep(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
): Promise<ContainerStepResult> {
  const step = plan.set_pipeline!;
  const origin = { id: plan.id };
  return runPlainStep(run, scope, {
    planId: plan.id,
    announce: true,
    work: async () => {
      const name = step.name === 'self' ? run.build.pipelineName : step.name;
      if (!name) throw new StepError('set_pipeline self can only be used in a pipeline build');
      if (name.includes('/')) throw new StepError("pipeline name cannot contain '/'");
      const text = await readArtifactFile(run, scope, step.file);
      let config;
      try {
        config = parsePipeline(interpolateTemplate(text, await stepVars(run, scope, plan)));
      } catch (err) {
        if (err instanceof MalformedConfigError) throw new StepError(err.message);
        throw err;
      }
      const validation = validatePipeline(config);
      if (validation.errors.length > 0) {
        throw new StepError(`invalid pipeline config:\n${validation.errors.join('\n')}`);
      }
      const team = await teamId(run, step.team);
      const instanceVars = step.instance_vars ?? null;
      const saved = await inTransaction(run.ctx.pool, async (client) => {
        const current = await client.query<{ config_version: string }>(
          `SELECT config_version::text AS config_version FROM pipelines
           WHERE team_id = $1 AND name = $2 AND instance_vars IS NOT DISTINCT FROM $3::jsonb`,
          [team, name, instanceVars ? JSON.stringify(instanceVars) : null],
        );
        const expectedVersion = BigInt(current.rows[0]?.config_version ?? 0);
        const result = await savePipelineConfig(client, {
          teamId: team,
          name,
          instanceVars,
          config,
          expectedVersion,
        });
        await client.query(
          `UPDATE pipelines SET parent_job_id = $2, parent_build_id = $3,
             paused = CASE WHEN $4 THEN false ELSE paused END
           WHERE id = $1`,
          [result.id, run.build.jobId, run.build.id, result.created],
        );
        await client.query('SELECT pg_notify($1, $2)', [channels.schedule, String(result.id)]);
        await client.query('SELECT pg_notify($1, $2)', [channels.checks, '']);
        return result;
      });
      return {
        ok: true,
        result: { pipelineId: saved.id },
        events: [
          logEvent({ id: plan.id, source: 'stdout' }, `setting pipeline: ${name}\n`),
          { type: 'set-pipeline-changed', version: '1.0', data: { origin, changed: true } },
          logEvent({ id: plan.id, source: 'stdout' }, 'done\n'),
        ],
      };
    },
  });
}
