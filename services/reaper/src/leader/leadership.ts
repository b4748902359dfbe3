// One reaper leads at a time: the holder of the session advisory lock `reaper-leader`. A standby
// retries every interval, so it takes over within one interval of the leader's death.
import { tryAcquireSessionLock, type HeldLock, type Pool } from '@jetbridge/db';
import type { Logger } from '@jetbridge/telemetry';

export const leaderLockName = 'reaper-leader';

export class Leadership {
  readonly #pool: Pool;
  readonly #logger: Logger;
  #lock: HeldLock | null = null;

  constructor(pool: Pool, logger: Logger) {
    this.#pool = pool;
    this.#logger = logger;
  }

  get isLeader(): boolean {
    return this.#lock?.isHeld ?? false;
  }

  /** Becomes or stays leader if possible; reports whether this replica leads now. */
  async ensure(): Promise<boolean> {
    if (this.#lock && !this.#lock.isHeld) {
      this.#logger.warn('reaper-leadership-lost');
      await this.#lock.release();
      this.#lock = null;
    }
    if (this.#lock) return true;
    this.#lock = await tryAcquireSessionLock(this.#pool, leaderLockName);
    if (this.#lock) this.#logger.info('reaper-became-leader');
    return this.#lock !== null;
  }

  async release(): Promise<void> {
    const lock = this.#lock;
    this.#lock = null;
    await lock?.release();
  }
}
