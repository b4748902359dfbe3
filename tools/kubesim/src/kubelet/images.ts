// The image catalog: images are never pulled, the catalog says which root filesystem an image gets.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ImageSpec =
  // the host's own filesystem, optionally with a resource implementation at /opt/resource and
  // environment the image sets
  | { kind: 'host'; resourceDir?: string; env?: Record<string, string> }
  // a root whose only tools are busybox applets, like alpine or busybox images
  | { kind: 'busybox' }
  // a root with the host's shared libraries and no shell or tools at all, like distroless images;
  // `programs` binds host files at paths of the root (distroless/nodejs has /nodejs/bin/node)
  | { kind: 'shell-less'; programs?: Record<string, string> }
  // pulling fails the way a kubelet reports a missing image, with kubesim's reason when it has one
  | { kind: 'unpullable'; reason?: string };

export type ImageLookup = { ok: true; spec: ImageSpec } | { ok: false; reason: 'InvalidImageName' };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export const builtInImages: Record<string, ImageSpec> = {
  busybox: { kind: 'busybox' },
  alpine: { kind: 'busybox' },
  'concourse/mock-resource': {
    kind: 'host',
    resourceDir: join(repoRoot, 'tools/mock-resource/bin'),
    // The real mock image is a few megabytes; here its root is the host's, so mirror_self copies
    // a small stand-in root instead of the whole host filesystem.
    env: { JETBRIDGE_MIRROR_ROOT: join(repoRoot, 'tools/mock-resource/bin') },
  },
  'concourse/time-resource': {
    kind: 'host',
    resourceDir: join(repoRoot, 'tools/time-resource/bin'),
  },
  // Image checks of registry images: a digest per repository and tag, as nothing is pulled.
  'concourse/registry-image-resource': {
    kind: 'host',
    resourceDir: join(repoRoot, 'tools/registry-image-resource/bin'),
  },
  'concourse/docker-image-resource': {
    kind: 'host',
    resourceDir: join(repoRoot, 'tools/registry-image-resource/bin'),
    env: { JETBRIDGE_IMAGE_RESOURCE_FLAVOR: 'docker-image' },
  },
};

const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const pathPattern = new RegExp(`^${component}(?:/${component})*$`);
const domainPattern =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::\d+)?$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

// Splits a reference into its repository path (without registry, docker.io/library prefixes, tag
// or digest); undefined when the reference is not valid.
export function repositoryOf(image: string): string | undefined {
  let rest = image;
  const at = rest.indexOf('@');
  if (at >= 0) {
    if (!digestPattern.test(rest.slice(at + 1))) return undefined;
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    if (!tagPattern.test(rest.slice(colon + 1))) return undefined;
    rest = rest.slice(0, colon);
  }
  const firstSlash = rest.indexOf('/');
  const first = firstSlash >= 0 ? rest.slice(0, firstSlash) : '';
  if (firstSlash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!domainPattern.test(first)) return undefined;
    rest = rest.slice(firstSlash + 1);
  }
  if (!pathPattern.test(rest)) return undefined;
  return rest.startsWith('library/') ? rest.slice('library/'.length) : rest;
}

// Distroless images (gcr.io/distroless/base, static, cc, nodejs22-debian12, ...) have no shell:
// the nodejs ones get the Node.js that runs kubesim, the others nothing but the libraries.
function distrolessImage(repository: string): ImageSpec | undefined {
  const name = /(?:^|\/)distroless\/([^/]+)$/.exec(repository)?.[1];
  if (name === undefined) return undefined;
  if (name.startsWith('nodejs'))
    return { kind: 'shell-less', programs: { '/nodejs/bin/node': process.execPath } };
  return { kind: 'shell-less' };
}

export class ImageCatalog {
  #entries: Record<string, ImageSpec>;

  constructor(extra: Record<string, ImageSpec> = {}) {
    this.#entries = { ...builtInImages, ...extra };
  }

  lookup(image: string): ImageLookup {
    const repository = repositoryOf(image.trim() === image ? image : ' ');
    if (!repository) return { ok: false, reason: 'InvalidImageName' };
    const spec = this.#entries[image] ?? this.#entries[repository];
    if (spec) return { ok: true, spec };
    const distroless = distrolessImage(repository);
    if (distroless) return { ok: true, spec: distroless };
    if (repository.includes('does-not-exist') || repository.includes('unpullable')) {
      return { ok: true, spec: { kind: 'unpullable' } };
    }
    // A resource image kubesim has no implementation of would run the host's filesystem, where
    // /opt/resource/check does not exist: say why instead.
    if (/^concourse\/[a-z0-9-]+-resource$/.test(repository)) {
      return {
        ok: true,
        spec: {
          kind: 'unpullable',
          reason:
            `kubesim does not run ${repository}: of the resource images, only mock, time, ` +
            'registry-image and docker-image (image checks) run here; other resource types need ' +
            'a real cluster',
        },
      };
    }
    return { ok: true, spec: { kind: 'host' } };
  }
}
