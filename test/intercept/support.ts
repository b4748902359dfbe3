// Helpers for intercept and reaper tests: bounded polling of state that has no event to wait on
// (a container row turning `created`, a pod going away), and pipeline files on disk.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parse } from 'yaml';

/** Retries `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${last})` : ''}`);
    }
    await delay(everyMs);
  }
}

export async function pipelineFile(name: string, yaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jb-pipeline-'));
  const file = join(dir, `${name}.yml`);
  await writeFile(file, yaml);
  return file;
}

/** The Authorization header value fly stores for a target, for requests fly cannot make. */
export async function flyAuthorization(home: string, target: string): Promise<string> {
  const rc = parse(await readFile(join(home, '.flyrc'), 'utf8')) as {
    targets: Record<string, { token: { type: string; value: string } }>;
  };
  const token = rc.targets[target]!.token;
  return `${token.type} ${token.value}`;
}
