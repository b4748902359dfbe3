// Removes the directories of deleted pods outside kubesim's event loop. One `rm -rf` at a time,
// started through the spawn helper, takes every directory queued meanwhile: a sweep deleting a
// thousand pods costs the kubelet a push per pod, not a walk of each tree in async file calls
// that would fill libuv's thread pool ahead of the file work of pods still starting.
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import type { Logger } from '../logger.ts';
import type { Spawner } from './spawner.ts';

// Directories per rm: well under the kernel's limit on an argument list.
const batchSize = 500;

export class PodDirRemover {
  readonly #spawner: Spawner;
  readonly #logger: Logger;
  #queued: string[] = [];
  #draining: Promise<void> | undefined;

  constructor(spawner: Spawner, logger: Logger) {
    this.#spawner = spawner;
    this.#logger = logger;
  }

  /** Queues `dir` for removal; its name is unique to the pod, so nothing waits on it. */
  remove(dir: string): void {
    this.#queued.push(dir);
    this.#draining ??= this.#drain();
  }

  /** Resolves once every queued directory is gone. */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async #drain(): Promise<void> {
    while (this.#queued.length > 0) {
      const batch = this.#queued.splice(0, batchSize);
      if (!(await this.#removeOutside(batch))) {
        for (const dir of batch) await rm(dir, { recursive: true, force: true }).catch(() => {});
      }
    }
    this.#draining = undefined;
  }

  // False when rm could not run or failed, so the caller removes the batch itself.
  async #removeOutside(dirs: string[]): Promise<boolean> {
    try {
      const child = await this.#spawner.spawn('rm', ['-rf', '--', ...dirs], {
        stdin: false,
        stdout: false,
        stderr: false,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      });
      const [code] = (await once(child, 'close')) as [number | null];
      if (code === 0) return true;
      this.#logger.warn({ code, dirs: dirs.length }, 'pod-dir-removal-failed');
    } catch (error) {
      this.#logger.debug({ err: error }, 'pod-dir-removal-not-started');
    }
    return false;
  }
}
