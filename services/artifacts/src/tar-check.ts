// Checks a tar while it streams into the store, so no stored tar can make an extraction write
// outside its root: no absolute or `..` member names, no member reached through a symlink the
// archive made, no hard link to outside the archive, no device files. Symlinks themselves may
// point anywhere (absolute, dangling): they are kept as symlinks.
import { Transform } from 'node:stream';
import tar from 'tar-stream';

export class UnsafeArtifactError extends Error {
  override name = 'UnsafeArtifactError';
}

export class MalformedArtifactError extends Error {
  override name = 'MalformedArtifactError';
}

const allowedTypes = new Set(['file', 'contiguous-file', 'directory', 'symlink', 'link', 'fifo']);

/** The member's path inside the archive without `./` and trailing slashes, or an error. */
export function memberPath(name: string): string {
  if (name.startsWith('/')) throw new UnsafeArtifactError(`absolute path in archive: ${name}`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new UnsafeArtifactError(`path leaves the archive: ${name}`);
  return parts.join('/');
}

class MemberRules {
  readonly #symlinks = new Set<string>();

  check(header: tar.Header): void {
    const type = header.type ?? 'file';
    if (!allowedTypes.has(type)) {
      throw new UnsafeArtifactError(`${type} entries are not allowed in artifacts: ${header.name}`);
    }
    const path = memberPath(header.name);
    const parent = this.#symlinkOnTheWay(path, false);
    if (parent) {
      throw new UnsafeArtifactError(`path goes through the symlink ${parent}: ${header.name}`);
    }
    if (type === 'link') {
      const target = memberPath(header.linkname ?? '');
      if (target === '' || this.#symlinkOnTheWay(target, true)) {
        throw new UnsafeArtifactError(`hard link points out of the archive: ${header.name}`);
      }
    }
    if (type === 'symlink') this.#symlinks.add(path);
    else this.#symlinks.delete(path);
  }

  /** The first symlink member among the path's parents (and the path itself, when asked). */
  #symlinkOnTheWay(path: string, includeSelf: boolean): string | null {
    const parts = path.split('/');
    const last = includeSelf ? parts.length : parts.length - 1;
    for (let i = 1; i <= last; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (this.#symlinks.has(prefix)) return prefix;
    }
    return null;
  }
}

/**
 * A pass-through stream that parses the tar flowing through it and fails on the first unsafe
 * member or on a truncated archive. Bytes pass unchanged; memory stays one chunk deep.
 */
export function tarChecker(): Transform {
  const rules = new MemberRules();
  const extract = tar.extract();
  let failure: Error | null = null;
  extract.on('entry', (header, body, next) => {
    try {
      rules.check(header);
    } catch (err) {
      failure ??= err as Error;
    }
    body.on('end', () => next(null));
    body.resume();
  });
  extract.on('error', (err: Error) => {
    failure ??= new MalformedArtifactError(`not a valid tar archive: ${err.message}`);
  });

  const feed = (chunk: Buffer): Promise<void> =>
    new Promise((resolve) => {
      if (failure || extract.write(chunk)) return resolve();
      const settle = () => {
        extract.off('drain', settle);
        extract.off('close', settle);
        resolve();
      };
      extract.on('drain', settle);
      extract.on('close', settle);
    });

  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      feed(chunk).then(() => done(failure, failure ? undefined : chunk), done);
    },
    flush(done) {
      if (failure) return done(failure);
      extract.once('close', () => done(failure));
      extract.end(Buffer.alloc(0));
    },
  });
}
