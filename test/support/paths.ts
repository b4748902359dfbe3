// Where the repository and the shared fixtures are, wherever the tests run from.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const jetbridgeBin = join(repoRoot, 'bin', 'jetbridge.js');

/** `<repo>/../shared/fixtures`, present next to every checkout this project is tested in. */
export const fixturesDir =
  process.env.JETBRIDGE_FIXTURES_DIR ?? resolve(repoRoot, '..', 'shared', 'fixtures');

export function fixture(...parts: string[]): string {
  const path = join(fixturesDir, ...parts);
  if (!existsSync(path)) throw new Error(`fixture ${path} is missing (set JETBRIDGE_FIXTURES_DIR)`);
  return path;
}
