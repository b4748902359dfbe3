// The plan of a check build: one `check` step, with the image its type needs.
import {
  compileJobPlan,
  type ImagePlan,
  type Plan,
  type PipelineConfig,
  type Source,
} from '@jetbridge/pipeline';
import { checkSource } from './check-source.ts';

export const CHECK_PLAN_ID = '1';

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

/** Throws UndefinedVarsError when the source names vars nothing defines. */
export function checkPlan(checkable: Checkable, fromVersion: Record<string, string> | null): Plan {
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
    },
  };
}
