// Which container image a step runs in. Base resource types are `concourse/<type>-resource`
// images; what a get of an image produced is a registry image named by its version, or, for a mock
// type with mirror_self, the mock image with MIRRORED_VERSION set, as the real mock's rootfs copy
// would be.
import { StepError } from '../plan/outcome.ts';

export interface StepImage {
  ref: string;
  env: string[];
  privileged: boolean;
}

export const baseResourceTypes = [
  'time',
  'git',
  'registry-image',
  's3',
  'docker-image',
  'pool',
  'semver',
  'mock',
] as const;

export function baseTypeImage(type: string): string {
  return `concourse/${type}-resource`;
}

/** Types whose version names an image in a registry, which the step's pod pulls by itself. */
export function isRegistryImageType(type: string | undefined): boolean {
  return type === 'registry-image' || type === 'docker-image';
}

interface ImageGet {
  type: string;
  /** The base type at the bottom of `type`'s chain, when `type` is a custom type. */
  baseType?: string;
  source?: Record<string, unknown> | null;
  params?: Record<string, unknown> | null;
  version?: Record<string, string> | null;
  /** The image the get itself runs in (for mock, whose mirror inherits MIRRORED_VERSION). */
  runsIn?: StepImage;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** The image produced by getting `get`, as an artifact in rootfs format. */
export function imageFromGet(get: ImageGet): StepImage {
  const source = get.source ?? {};
  if (isRegistryImageType(get.type) || isRegistryImageType(get.baseType)) {
    const repository = source.repository;
    if (typeof repository !== 'string' || repository === '') {
      throw new StepError(`image of type ${get.type} needs source.repository`);
    }
    const tag = get.version?.tag ?? (typeof source.tag === 'string' ? source.tag : 'latest');
    const digest = get.version?.digest;
    return {
      ref: digest ? `${repository}@${digest}` : `${repository}:${tag}`,
      env: [],
      privileged: false,
    };
  }
  if (get.runsIn?.ref === baseTypeImage('mock')) {
    if (!isTrue(source.mirror_self) && !isTrue(get.params?.mirror_self_via_params)) {
      throw new StepError(
        'the mock image is only usable as an image with mirror_self: true. Is the image in rootfs format?',
      );
    }
    const inherited = get.runsIn.env.find((e) => e.startsWith('MIRRORED_VERSION='))?.slice(17);
    const version =
      get.version?.version ??
      (typeof source.force_version === 'string' ? source.force_version : undefined) ??
      (typeof source.initial_version === 'string' ? source.initial_version : undefined) ??
      inherited ??
      'mock';
    return { ref: baseTypeImage('mock'), env: [`MIRRORED_VERSION=${version}`], privileged: false };
  }
  throw new StepError(`cannot use a resource of type ${get.type} as an image`);
}
