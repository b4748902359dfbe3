// How a step's image becomes plan: a base type directly, a custom type or a task's image_resource
// as a check and a get of its own (Concourse's ImageForType and FetchImagePlan), recursively down
// to a base type.
import type { ImageResource, ResourceTypeConfig } from '../config/types.ts';
import type { ImagePlan, Plan } from './types.ts';

/** Concourse's default check interval for image checks whose type sets no `check_every`. */
export const defaultImageCheckInterval = '1m';

export interface ImageFetchPlan {
  getPlan: Plan;
  /** Absent when the image's version is given: then only the get runs. */
  checkPlan?: Plan;
}

/**
 * The check (unless `image.version` is set) and get of an image under `planId`: ids
 * `<planId>/image-check` and `<planId>/image-get`, the get taking its version from the check.
 */
export function fetchImagePlan(
  planId: string,
  image: ImageResource,
  types: ResourceTypeConfig[],
  stepTags?: string[],
  checkEvery?: string,
): ImageFetchPlan {
  const getId = `${planId}/image-get`;
  const tags = image.tags?.length ? image.tags : stepTags?.length ? stepTags : undefined;
  const source = image.source ?? {};
  const getPlan: Plan = {
    id: getId,
    get: {
      name: image.name ?? 'image',
      type: image.type,
      source,
      image: imageFor(image.type, types, getId, tags),
      ...(image.params ? { params: image.params } : {}),
      ...(tags ? { tags } : {}),
    },
  };
  if (image.version) {
    getPlan.get!.version = image.version;
    return { getPlan };
  }

  const checkId = `${planId}/image-check`;
  const checkPlan: Plan = {
    id: checkId,
    check: {
      name: image.name ?? 'image',
      type: image.type,
      source,
      image: imageFor(image.type, types, checkId, tags),
      interval: checkEvery ?? defaultImageCheckInterval,
      ...(tags ? { tags } : {}),
    },
  };
  getPlan.get!.version_from = checkId;
  return { getPlan, checkPlan };
}

/**
 * The image of a step on a resource of `type`. A custom type is fetched by a check and a get of
 * its own type, resolved without itself (so a type may share a base type's name); `base_type` is
 * always the base type at the bottom of the chain.
 */
export function imageFor(
  type: string,
  types: ResourceTypeConfig[],
  planId: string,
  stepTags?: string[],
): ImagePlan {
  const custom = types.find((t) => t.name === type);
  if (!custom) return { base_type: type };

  const { getPlan, checkPlan } = fetchImagePlan(
    planId,
    {
      name: custom.name,
      type: custom.type,
      source: custom.source ?? {},
      ...(custom.params ? { params: custom.params } : {}),
      ...(custom.tags?.length ? { tags: custom.tags } : {}),
    },
    types.filter((t) => t !== custom),
    stepTags,
    custom.check_every,
  );
  checkPlan!.check!.resource_type = type;
  const image: ImagePlan = {
    base_type: getPlan.get!.image.base_type!,
    check_plan: checkPlan!,
    get_plan: getPlan,
  };
  if (custom.privileged) image.privileged = true;
  return image;
}
