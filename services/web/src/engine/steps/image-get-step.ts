// The get of a step's image. A registry image needs no pod: the step's own pod pulls it, by the
// digest of the version the image check found; the get only records that version. Any other type
// runs its `in` like every get, and the image is what that fetched.
import type { GetPlan, Plan } from '@jetbridge/pipeline';
import { eventTime, type BuildEvent } from '../../builds/index.ts';
import { StepError } from '../plan/outcome.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import type { ContainerStepResult } from './container-step.ts';
import { imageFromGet, isRegistryImageType } from './images.ts';
import { runPlainStep } from './plain-step.ts';
import type { ResourceVersion } from './resource-output.ts';
import { runGetStep } from './resource-step.ts';
import { loadStep } from './step-store.ts';

async function imageVersion(run: BuildRun, get: GetPlan): Promise<ResourceVersion> {
  if (get.version) return get.version as ResourceVersion;
  const from = get.version_from
    ? await loadStep(run.ctx.pool, run.build.id, get.version_from)
    : null;
  const version = from?.result.version;
  if (!version) throw new StepError(`no version produced by step ${get.version_from}`);
  return version;
}

function registryGetEvents(planId: string, version: ResourceVersion): BuildEvent[] {
  const origin = { id: planId };
  const time = eventTime();
  return [
    { type: 'initialize-get', version: '2.0', data: { origin, time } },
    { type: 'start-get', version: '1.0', data: { origin, time } },
    { type: 'finish-get', version: '5.1', data: { origin, time, exit_status: 0, version } },
  ];
}

export async function runImageGetStep(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
): Promise<ContainerStepResult> {
  const get = plan.get!;
  if (!isRegistryImageType(get.type) || get.image.get_plan) return runGetStep(run, scope, plan);
  return runPlainStep(run, scope, {
    planId: plan.id,
    announce: false,
    work: async () => {
      const version = await imageVersion(run, get);
      const { ref, env } = imageFromGet({ type: get.type, source: get.source, version });
      return {
        ok: true,
        result: { version, image: { ref, env } },
        events: registryGetEvents(plan.id, version),
      };
    },
  });
}
