// `npm test`: every unit test (beside the code) and integration test (test/) through node's test
// runner, which ends with its pass/fail summary. Words naming a file or folder of the repository
// run only the tests there (`npm test -- test/artifacts services/web`); options, with their values,
// go to `node --test` (`npm test -- --test-name-pattern kubesim`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { splitTestArgs } from './test-args.ts';

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

const areas = ['libs', 'services', 'tools', 'cli', 'scripts', 'test'].filter((d) =>
  existsSync(join(root, d)),
);
const everyFile = areas.flatMap((area) => findTests(join(root, area), [])).sort();
const { nodeArgs, paths } = splitTestArgs(process.argv.slice(2));
const missing = paths.filter((path) => !existsSync(path));
if (missing.length > 0) {
  console.error(`no such test file or folder: ${missing.join(', ')}`);
  process.exit(1);
}
const scopes = paths.map((path) => relative(root, resolve(path)));
const files =
  scopes.length === 0
    ? everyFile
    : everyFile.filter((file) =>
        scopes.some((scope) => scope === '' || file === scope || file.startsWith(`${scope}/`)),
      );
if (files.length === 0) {
  console.error(`no test files under ${scopes.join(', ')}`);
  process.exit(1);
}
const concurrency = process.env.JETBRIDGE_TEST_CONCURRENCY ?? '2';

const result = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-timeout=900000', ...nodeArgs, ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
