// `npm test`: every unit test (beside the code) and integration test (test/) through node's test
// runner, which ends with its pass/fail summary. Extra arguments go to `node --test`, e.g.
// `npm test -- --test-name-pattern=kubesim`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const skip = new Set(['node_modules', 'dist', '.git', '.jetbridge']);

function findTests(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir)) {
    if (skip.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (entry.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const areas = ['libs', 'services', 'tools', 'cli', 'test'].filter((d) => existsSync(join(root, d)));
const files = areas.flatMap((area) => findTests(join(root, area), [])).sort();
const concurrency = process.env.JETBRIDGE_TEST_CONCURRENCY ?? '2';

const result = spawnSync(
  process.execPath,
  [
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=900000',
    ...process.argv.slice(2),
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
