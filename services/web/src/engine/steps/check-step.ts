// A check step: runs the resource type's check script from the given or latest saved version and
// saves what it reports. As in Concourse, the image check of a custom type skips the script while
// the type's last check is within its interval, and an image_resource's check while a check of the
// same config succeeded since the build started; both then report the latest version instead.
import {
  defaultImageCheckInterval,
  parseGoDuration,
  type CheckPlan,
  type Plan,
} from '@jetbridge/pipeline';
import { inTransaction, type Pool } from '@jetbridge/db';
import { eventTime, type BuildEvent } from '../../builds/index.ts';
import { latestVersion, ScopeNotFoundError, type VersionScope } from '../../resources/index.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { runContainerStep, type ContainerStepResult, type FinishedStep } from './container-step.ts';
import { goRequestJson } from './go-json.ts';
import { imageCheckKey, lastImageCheck, recordImageCheck } from './image-check-scope.ts';
import { resourceStepImage } from './image-fetch.ts';
import { parseCheckResult, type ResourceVersion } from './resource-output.ts';
import { saveCheckResult } from './resource-versions.ts';
import { baseStepJob } from './step-job.ts';
import { resolveRemainingVars } from './run-vars.ts';
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
  if (check.resource) {
    const found = await pool.query<{ id: number }>(
      'SELECT id FROM resources WHERE pipeline_id = $1 AND name = $2',
      [pipelineId, check.resource],
    );
    return { resourceId: found.rows[0]?.id ?? run.build.resourceId, resourceTypeId: null };
  }
  return { resourceId: null, resourceTypeId: null };
}

async function latestOf(pool: Pool, checked: CheckedScope): Promise<ResourceVersion | undefined> {
  const scope: VersionScope | null =
    checked.resourceId !== null
      ? { resourceId: checked.resourceId }
      : checked.resourceTypeId !== null
        ? { resourceTypeId: checked.resourceTypeId }
        : null;
  if (!scope) return undefined;
  try {
    const latest = await inTransaction(pool, (client) => latestVersion(client, scope));
    return latest?.version;
  } catch (err) {
    if (err instanceof ScopeNotFoundError) return undefined;
    throw err;
  }
}

/**
 * An image check of a custom type runs only once the type's interval has passed since its last
 * check (never, for `never`); the type's own check builds and manual checks always run.
 */
async function isWithinInterval(
  pool: Pool,
  run: BuildRun,
  check: CheckPlan,
  checked: CheckedScope,
): Promise<boolean> {
  const typeId = checked.resourceTypeId;
  if (!check.resource_type || check.skip_interval || typeId === null) return false;
  if (run.build.resourceTypeId === typeId) return false;
  const interval = check.interval ?? defaultImageCheckInterval;
  if (interval === 'never') return true;
  const ms = parseGoDuration(interval);
  if (ms === null) return false;
  const found = await pool.query<{ recent: boolean }>(
    `SELECT last_checked > now() - make_interval(secs => $2::double precision / 1000) AS recent
     FROM resource_types WHERE id = $1`,
    [typeId, ms],
  );
  return found.rows[0]?.recent === true;
}

function finishEvent(planId: string, succeeded: boolean): BuildEvent {
  return {
    type: 'finish',
    version: '1.0',
    data: { origin: { id: planId }, time: eventTime(), succeeded },
  };
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
    prepare: async ({ begin }) => {
      await begin([
        {
          type: 'initialize-check',
          version: '1.0',
          data: { origin, time: eventTime(), name: check.name },
        },
      ]);
      const source = await resolveRemainingVars(run, check.source);
      const image = await resourceStepImage(run, scope, check.image, check.type);
      checked = await checkedScope(run.ctx.pool, run, check);
      const imageScope = imageCheckKey({ ...check, source }, image);
      const lastImage = imageScope
        ? await lastImageCheck(run.ctx.pool, imageScope, run.build.id)
        : null;
      const latest = imageScope
        ? (lastImage?.version ?? undefined)
        : await latestOf(run.ctx.pool, checked);
      const skip = imageScope
        ? lastImage?.reusable === true && !check.skip_interval
        : await isWithinInterval(run.ctx.pool, run, check, checked);
      if (skip) {
        const settled: FinishedStep = {
          state: 'succeeded',
          events: [finishEvent(plan.id, true)],
          patch: { versions: [], ...(latest ? { version: latest } : {}) },
        };
        return { settled };
      }
      const from = (check.from_version as ResourceVersion | undefined) ?? latest;
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
          ['source', source ?? null],
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
      const start: BuildEvent = {
        type: 'start',
        version: '1.0',
        data: { origin, time: eventTime() },
      };
      return { job, startEvent: start, extra: { checked, imageScope } };
    },
    finish: async (exit, stored) => {
      const imageScope = typeof stored.imageScope === 'string' ? stored.imageScope : null;
      if (exit.exitStatus !== 0) {
        return {
          state: 'failed',
          events: [finishEvent(plan.id, false)],
          patch: {},
          persist: async (client) => {
            if (imageScope)
              await recordImageCheck(client, imageScope, { succeeded: false, versions: [] });
          },
        };
      }
      const versions = parseCheckResult(exit.stdout ?? '');
      const target = (stored.checked as CheckedScope | undefined) ?? checked;
      return {
        state: 'succeeded',
        events: [finishEvent(plan.id, true)],
        patch: { versions, ...(versions.length > 0 ? { version: versions.at(-1) } : {}) },
        persist: async (client) => {
          if (imageScope) await recordImageCheck(client, imageScope, { succeeded: true, versions });
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
