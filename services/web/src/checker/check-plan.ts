// The plan of a check build: one `check` step, with the image its type needs.
import {
  compileJobPlan,
  parseGoDuration,
  type ImagePlan,
  type Plan,
  type PipelineConfig,
  type Source,
} from '@jetbridge/pipeline';
import { CheckSetupError, checkSource } from './check-source.ts';

export const CHECK_PLAN_ID = '1';

/** Concourse's `--global-resource-check-timeout` default: a hung check script ends after it. */
export const DEFAULT_CHECK_TIMEOUT = '1h';

/** What is checked: a resource, or a resource type (for the images of its resources). */
export interface Checkable {
  kind: 'resource' | 'resource_type';
  id: number;
  teamId: number;
  pipelineId: number;
  name: string;
  type: string;
  source: Source | undefined;
  checkEvery: string | undefined;
  /** `check_timeout` (resources only). */
  checkTimeout: string | undefined;
  pipelineConfig: PipelineConfig;
  instanceVars: unknown;
}

/**
 * The image plan of `type` as the pipeline's planner builds it for steps. A resource type is
 * resolved without itself, so a type may share a base type's name.
 */
function imageOf(checkable: Checkable): ImagePlan {
  const types = (checkable.pipelineConfig.resource_types ?? []).filter(
    (t) => checkable.kind === 'resource' || t.name !== checkable.name,
  );
  if (!types.some((t) => t.name === checkable.type)) return { base_type: checkable.type };
  const probe: PipelineConfig = {
    resource_types: types,
    resources: [{ name: checkable.name, type: checkable.type, source: {} }],
    jobs: [{ name: 'check', plan: [{ get: checkable.name }] }],
  };
  let ids = 0;
  const plan = compileJobPlan(probe, 'check', {
    nextId: () => (ids++ === 0 ? CHECK_PLAN_ID : `probe-${ids}`),
  });
  return plan.do![0]!.get!.image;
}

function timeoutOf(checkable: Checkable): string {
  const timeout = checkable.checkTimeout ?? DEFAULT_CHECK_TIMEOUT;
  if (parseGoDuration(timeout) === null) {
    throw new CheckSetupError(`invalid check_timeout '${timeout}': not a duration such as 10m`);
  }
  return timeout;
}

/**
 * Throws a CheckSetupError when the source names vars nothing defines or check_timeout is bad.
 * A requested check (API, webhook, manual trigger) skips the interval, as Concourse marks it.
 */
export function checkPlan(
  checkable: Checkable,
  fromVersion: Record<string, string> | null,
  opts: { requested?: boolean } = {},
): Plan {
  const timeout = timeoutOf(checkable);
  const source = checkSource(
    checkable.pipelineConfig,
    checkable.type,
    checkable.source,
    checkable.instanceVars,
  );
  return {
    id: CHECK_PLAN_ID,
    check: {
      name: checkable.name,
      type: checkable.type,
      source,
      image: imageOf(checkable),
      ...(fromVersion ? { from_version: fromVersion } : {}),
      ...(checkable.kind === 'resource'
        ? { resource: checkable.name }
        : { resource_type: checkable.name }),
      ...(checkable.checkEvery ? { interval: checkable.checkEvery } : {}),
      ...(opts.requested ? { skip_interval: true } : {}),
      timeout,
    },
  };
}
