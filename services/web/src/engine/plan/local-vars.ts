// Local vars of a build (`((.:name))`): set by load_var and by across, visible to later steps in
// the same scope and its children.
import type { VarLookup } from '@jetbridge/pipeline';

export class LocalVars {
  readonly #values = new Map<string, unknown>();
  readonly #parent: LocalVars | null;

  constructor(parent: LocalVars | null = null) {
    this.#parent = parent;
  }

  set(name: string, value: unknown): void {
    this.#values.set(name, value);
  }

  has(name: string): boolean {
    return this.#values.has(name) || (this.#parent?.has(name) ?? false);
  }

  get(name: string): unknown {
    return this.#values.has(name) ? this.#values.get(name) : this.#parent?.get(name);
  }

  child(): LocalVars {
    return new LocalVars(this);
  }

  /** Resolves `((.:name.field))` references; other var sources are left as written. */
  lookup(): VarLookup {
    return (ref) => {
      if (ref.source !== '.' || !this.has(ref.path)) return { found: false };
      let current = this.get(ref.path);
      for (const field of ref.fields) {
        if (current === null || typeof current !== 'object' || !Object.hasOwn(current, field)) {
          return { found: false };
        }
        current = (current as Record<string, unknown>)[field];
      }
      return { found: true, value: current };
    };
  }
}
