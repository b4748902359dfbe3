// What a get step fetches with: the image its resource type runs in, the version it asks for, and
// the resource cache those make; and the image the fetched files are, for types that make one.
import type { GetPlan } from '@jetbridge/pipeline';
import { StepError } from '../plan/outcome.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { resourceStepImage } from './image-fetch.ts';
import { imageFromGet, type StepImage } from './images.ts';
import { resourceCacheKey } from './resource-cache.ts';
import type { ResourceVersion } from './resource-output.ts';
import { loadStep } from './step-store.ts';

export interface GetInputs {
  image: StepImage;
  version: ResourceVersion | undefined;
  /** The resource cache of this fetch; null when the version is only known once `in` ran. */
  cacheKey: string | null;
}

async function versionFor(run: BuildRun, get: GetPlan): Promise<ResourceVersion | undefined> {
  if (get.version) return get.version as ResourceVersion;
  if (!get.version_from) return undefined;
  const from = await loadStep(run.ctx.pool, run.build.id, get.version_from);
  const version = from?.result.version;
  if (!version) throw new StepError(`no version produced by step ${get.version_from}`);
  return version;
}

/** Fetches the image first (a custom type's check and get sub-steps), then reads the version. */
export async function getInputs(run: BuildRun, scope: Scope, get: GetPlan): Promise<GetInputs> {
  const image = await resourceStepImage(run, scope, get.image, get.type);
  const version = await versionFor(run, get);
  const cacheKey = version
    ? resourceCacheKey({ type: get.type, image, source: get.source, params: get.params, version })
    : null;
  return { image, version, cacheKey };
}

/** A fetched artifact that is an image in rootfs format, when its resource makes one. */
export function imageOfFetched(get: GetPlan, runsIn: StepImage, version: ResourceVersion) {
  try {
    return imageFromGet({
      type: get.type,
      source: get.source,
      params: get.params,
      version,
      runsIn,
    });
  } catch {
    return undefined;
  }
}
