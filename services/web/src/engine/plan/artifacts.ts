// Artifacts of a build by name: where a later step's input comes from.
import type { z } from 'zod';
import type { stepInputSource } from '@jetbridge/bus';

export type ArtifactSource = z.infer<typeof stepInputSource> & {
  /** Set when the artifact is an image in rootfs format (a mock get with mirror_self). */
  image?: { ref: string; env: string[] };
};

export class ArtifactRepository {
  readonly #artifacts = new Map<string, ArtifactSource>();
  readonly #parent: ArtifactRepository | null;

  constructor(parent: ArtifactRepository | null = null) {
    this.#parent = parent;
  }

  register(name: string, source: ArtifactSource): void {
    this.#artifacts.set(name, source);
  }

  find(name: string): ArtifactSource | undefined {
    return this.#artifacts.get(name) ?? this.#parent?.find(name);
  }

  /** Every artifact visible from here, nearest scope winning. */
  all(): Map<string, ArtifactSource> {
    const merged = this.#parent ? this.#parent.all() : new Map<string, ArtifactSource>();
    for (const [k, v] of this.#artifacts) merged.set(k, v);
    return merged;
  }
}
