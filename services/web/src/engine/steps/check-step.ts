// A check step: runs the resource type's check script from the given or latest saved version and
// saves what it reports. Check builds show its stderr and end failed when it exits non-zero.
import type { CheckPlan, Plan } from '@jetbridge/pipeline';
import type { Pool } from '@jetbridge/db';
import { eventTime, type BuildEvent } from '../../builds/index.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { runContainerStep, type ContainerStepResult } from './container-step.ts';
import { goRequestJson } from './go-json.ts';
import { resourceImage } from './images.ts';
import { parseCheckResult, type ResourceVersion } from './resource-output.ts';
import { saveCheckResult } from './resource-versions.ts';
import { baseStepJob } from './step-job.ts';
import { typeVersionLookup } from './type-versions.ts';
import { resourceEnv } from './step-env.ts';

interface CheckedScope {
  resourceId: number | null;
  resourceTypeId: number | null;
}

async function checkedScope(pool: Pool, run: BuildRun, check: CheckPlan): Promise<CheckedScope> {
  const pipelineId = run.build.pipelineId;
  if (check.resource_type) {
    const found = await pool.query<{ id: number }>(
      'SELECT id FROM resource_types WHERE pipeline_id = $1 AND name = $2',
      [pipelineId, check.resource_type],
    );
    return { resourceId: null, resourceTypeId: found.rows[0]?.id ?? run.build.resourceTypeId };
  }
  const name = check.resource ?? check.name;
  const found = await pool.query<{ id: number }>(
    'SELECT id FROM resources WHERE pipeline_id = $1 AND name = $2',
    [pipelineId, name],
  );
  return { resourceId: found.rows[0]?.id ?? run.build.resourceId, resourceTypeId: null };
}

async function latestVersion(
  pool: Pool,
  scope: CheckedScope,
): Promise<ResourceVersion | undefined> {
  const found = scope.resourceId
    ? await pool.query<{ version: ResourceVersion }>(
        `SELECT rv.version FROM resource_versions rv
         JOIN resources r ON r.id = rv.resource_id AND rv.config_hash = r.config_hash
         WHERE r.id = $1 ORDER BY rv.check_order DESC LIMIT 1`,
        [scope.resourceId],
      )
    : scope.resourceTypeId
      ? await pool.query<{ version: ResourceVersion }>(
          `SELECT version FROM resource_versions WHERE resource_type_id = $1
           ORDER BY check_order DESC LIMIT 1`,
          [scope.resourceTypeId],
        )
      : { rows: [] };
  return found.rows[0]?.version;
}

export async function runCheckStep(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
): Promise<ContainerStepResult> {
  const check = plan.check!;
  const origin = { id: plan.id };
  let checked: CheckedScope = {
    resourceId: run.build.resourceId,
    resourceTypeId: run.build.resourceTypeId,
  };
  return runContainerStep(run, scope, {
    planId: plan.id,
    prepare: async () => {
      const image = await resourceImage(check.image, check.type, typeVersionLookup(run));
      checked = await checkedScope(run.ctx.pool, run, check);
      const from =
        (check.from_version as ResourceVersion | undefined) ??
        (await latestVersion(run.ctx.pool, checked));
      const job = {
        ...baseStepJob(run, scope, {
          planId: plan.id,
          type: 'check',
          stepName: check.name,
          resource: check.resource ?? check.resource_type ?? check.name,
        }),
        image: { ref: image.ref, env: image.env },
        privileged: image.privileged,
        run: {
          path: '/opt/resource/check',
          args: [],
          env: resourceEnv(run.build, run.ctx.settings, scope),
        },
        stdin: goRequestJson([
          ['source', check.source ?? null],
          ['version', from],
        ]),
        captureStdout: true,
        workingDir: '/tmp/build/check',
        inputs: [],
        outputs: [],
        caches: [],
        timeoutMs: null,
        tags: check.tags ?? [],
      };
      const init: BuildEvent = {
        type: 'initialize-check',
        version: '1.0',
        data: { origin, time: eventTime(), name: check.name },
      };
      return { job, initEvents: [init], extra: { checked } };
    },
    finish: async (exit, stored) => {
      if (exit.exitStatus !== 0) return { state: 'failed', events: [], patch: {} };
      const versions = parseCheckResult(exit.stdout ?? '');
      const target = (stored.checked as CheckedScope | undefined) ?? checked;
      return {
        state: 'succeeded',
        events: [],
        patch: { versions, ...(versions.length > 0 ? { version: versions.at(-1) } : {}) },
        persist: async (client) => {
          await saveCheckResult(client, {
            resourceId: target.resourceId,
            resourceTypeId: target.resourceTypeId,
            versions,
          });
        },
      };
    },
  });
}
