// How a resource's type becomes an image: a base type directly, a custom type as a
// check + get of its own type, recursively.
import type { ResourceTypeConfig } from '../config/types.ts';
import type { ImagePlan } from './types.ts';

/** Resolves the image of `type` using `types`; a type never resolves through itself. */
export function imageFor(
  type: string,
  types: ResourceTypeConfig[],
  idPrefix: string,
  tags?: string[],
): ImagePlan {
  const custom = types.find((t) => t.name === type);
  if (!custom) return { base_type: type };

  const parents = types.filter((t) => t !== custom);
  const checkId = `${idPrefix}/image-check`;
  const getId = `${idPrefix}/image-get`;
  const source = custom.source ?? {};
  const parentImage = imageFor(custom.type, parents, checkId, tags);
  const image: ImagePlan = {
    check_plan: {
      id: checkId,
      check: {
        name: custom.name,
        type: custom.type,
        source,
        image: parentImage,
        resource_type: custom.name,
        ...(custom.tags?.length ? { tags: custom.tags } : tags?.length ? { tags } : {}),
      },
    },
    get_plan: {
      id: getId,
      get: {
        name: custom.name,
        type: custom.type,
        source,
        image: imageFor(custom.type, parents, getId, tags),
        version_from: checkId,
        ...(custom.params ? { params: custom.params } : {}),
        ...(custom.tags?.length ? { tags: custom.tags } : tags?.length ? { tags } : {}),
      },
    },
  };
  if (custom.privileged) image.privileged = true;
  return image;
}
