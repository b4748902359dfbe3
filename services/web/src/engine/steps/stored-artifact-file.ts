// One file out of an artifact stored as a tar in the artifact store (a resource cache, an output
// archived on the artifact claim): the tar is streamed from the store and only that member read.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { artifactLocate } from '@jetbridge/bus';
import { StepError } from '../plan/outcome.ts';
import type { BuildRun } from '../plan/run-context.ts';

function memberPath(name: string): string {
  return name
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}

/** The contents of `path` (relative to the artifact's root) in the tar stored under `key`. */
export async function readStoredFile(
  run: BuildRun,
  key: string,
  path: string,
  maxBytes: number,
): Promise<Buffer> {
  const { url } = await run.ctx.bus.request('artifacts', 'locate', artifactLocate, { v: 1 });
  const response = await fetch(`${url}/artifacts/${encodeURIComponent(key)}`);
  if (!response.ok || !response.body) {
    throw new StepError(`the artifact store answered ${response.status} for ${key}`);
  }
  const wanted = memberPath(path);
  let found: Buffer | null = null;
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const isWanted = found === null && memberPath(header.name) === wanted;
    if (isWanted && header.type !== 'file' && header.type !== 'contiguous-file') {
      stream.resume();
      extract.destroy(new StepError(`${path} is a ${header.type} in the stored artifact`));
      return;
    }
    if (isWanted && (header.size ?? 0) > maxBytes) {
      stream.resume();
      extract.destroy(new StepError(`${path} is larger than ${maxBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => {
      if (isWanted) chunks.push(chunk as Buffer);
    });
    stream.on('end', () => {
      if (isWanted) found = Buffer.concat(chunks);
      next();
    });
  });
  try {
    await pipeline(Readable.fromWeb(response.body as never), extract);
  } catch (err) {
    if (err instanceof StepError) throw err;
    throw new StepError(`the stored artifact ${key} could not be read: ${(err as Error).message}`);
  }
  if (found === null) throw new StepError(`no such file ${path} in the stored artifact`);
  return found;
}
