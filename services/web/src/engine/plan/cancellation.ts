// Why a running part of a plan must stop. A cancellation propagates from parent to children, never
// the other way, so a timeout or a fail_fast stops only its own subtree.

export type CancelReason =
  /** The build was aborted: steps stop, only on_abort and ensure hooks still run. */
  | 'aborted'
  /** A `timeout` modifier expired: its step fails with `timeout exceeded`. */
  | 'timeout'
  /** A sibling failed under `fail_fast`: the step fails. */
  | 'cancelled'
  /** This replica no longer owns the build: stop touching it, another replica continues. */
  | 'released';

export class Cancellation {
  #reason: CancelReason | null = null;
  readonly #listeners = new Set<(reason: CancelReason) => void>();

  get reason(): CancelReason | null {
    return this.#reason;
  }

  get isCancelled(): boolean {
    return this.#reason !== null;
  }

  cancel(reason: CancelReason): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    for (const listener of [...this.#listeners]) listener(reason);
    this.#listeners.clear();
  }

  /** Calls `listener` once when cancelled (at once if already); returns the unsubscribe function. */
  onCancel(listener: (reason: CancelReason) => void): () => void {
    if (this.#reason !== null) {
      listener(this.#reason);
      return () => {};
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A cancellation that follows this one and can also be cancelled on its own. */
  child(): Cancellation {
    const child = new Cancellation();
    const unsubscribe = this.onCancel((reason) => child.cancel(reason));
    child.onCancel(() => unsubscribe());
    return child;
  }

  /** Resolves with the reason once cancelled. */
  whenCancelled(): { promise: Promise<CancelReason>; dispose: () => void } {
    let dispose = () => {};
    const promise = new Promise<CancelReason>((resolve) => {
      dispose = this.onCancel(resolve);
    });
    return { promise, dispose };
  }
}

/** Thrown through the walker when the build was released: nothing more may be written. */
export class BuildReleasedError extends Error {
  override name = 'BuildReleasedError';
}
