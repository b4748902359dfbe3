// The artifact store: tar files on the artifact claim, keyed by the handle (or upload id) they
// were written under. A tar becomes visible only complete: it is written to a temporary name in
// the same directory and renamed.
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';

export class ArtifactTooLargeError extends Error {
  override name = 'ArtifactTooLargeError';
}

export class InvalidArtifactKeyError extends Error {
  override name = 'InvalidArtifactKeyError';
}

const keyPattern = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export function checkKey(key: string): string {
  if (!keyPattern.test(key) || key.includes('..')) {
    throw new InvalidArtifactKeyError(`invalid artifact key "${key}"`);
  }
  return key;
}

export class ArtifactStore {
  readonly root: string;
  readonly maxBytes: number;

  constructor(root: string, maxBytes: number) {
    this.root = root;
    this.maxBytes = maxBytes;
  }

  async init(): Promise<void> {
    await mkdir(join(this.root, 'tars'), { recursive: true });
    await mkdir(join(this.root, 'incoming'), { recursive: true });
    // Uploads cut off by a crash never become visible; clear them.
    for (const name of await readdir(join(this.root, 'incoming'))) {
      await rm(join(this.root, 'incoming', name), { force: true });
    }
  }

  pathOf(key: string): string {
    return join(this.root, 'tars', `${checkKey(key)}.tar`);
  }

  /**
   * Streams `body` (through `checks`, which may fail it) into the store under `key`; nothing is
   * visible unless all of it arrived and passed.
   */
  async put(key: string, body: Readable, ...checks: Transform[]): Promise<{ bytes: number }> {
    const final = this.pathOf(key);
    const temp = join(this.root, 'incoming', `${key}.${randomBytes(6).toString('hex')}`);
    let bytes = 0;
    const limit = this.maxBytes;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > limit) {
          done(new ArtifactTooLargeError(`artifact is larger than the limit of ${limit} bytes`));
          return;
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline([body, counter, ...checks, createWriteStream(temp, { flags: 'wx' })]);
      await rename(temp, final);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return { bytes };
  }

  /**
   * Stores the tar under `from` also under `to`, as a hard link: no copy, and deleting either key
   * later leaves the other intact. The link gets a fresh mtime, so collection counts its age from
   * now. Fails with ENOENT when nothing is stored under `from`.
   */
  async link(from: string, to: string): Promise<void> {
    const source = this.pathOf(from);
    const temp = join(this.root, 'incoming', `${checkKey(to)}.${randomBytes(6).toString('hex')}`);
    try {
      await link(source, temp);
      const now = new Date();
      await utimes(temp, now, now);
      await rename(temp, this.pathOf(to));
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  /** The size of the tar under `key`, or null when there is none. */
  async size(key: string): Promise<number | null> {
    return stat(this.pathOf(key)).then(
      (info) => info.size,
      () => null,
    );
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  read(key: string): Readable {
    return createReadStream(this.pathOf(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** Every stored tar with when it was written, for garbage collection. */
  async list(): Promise<Array<{ key: string; writtenAt: number }>> {
    const listed = [];
    for (const key of await this.keys()) {
      const info = await stat(this.pathOf(key)).catch(() => null);
      if (info) listed.push({ key, writtenAt: info.mtimeMs });
    }
    return listed;
  }

  /** Removes temporary files older than `before` (ms since the epoch) left by cut-off writers. */
  async clearIncoming(before: number): Promise<number> {
    let removed = 0;
    for (const name of await readdir(join(this.root, 'incoming'))) {
      const path = join(this.root, 'incoming', name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < before) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  async keys(): Promise<string[]> {
    const names = await readdir(join(this.root, 'tars'));
    return names.filter((n) => n.endsWith('.tar')).map((n) => n.slice(0, -'.tar'.length));
  }
}
