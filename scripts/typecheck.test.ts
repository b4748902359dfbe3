// The type checker over every project and the benchmarks: node runs the sources with their types
// stripped, so a type error (a context missing a field, a wrong argument) would otherwise show up
// only when that code runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function check(args: string[]): void {
  const run = spawnSync(process.execPath, [tsc, ...args, '--pretty', 'false'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 600_000,
  });
  assert.equal(run.status, 0, `tsc ${args.join(' ')}:\n${run.stdout}${run.stderr}`);
}

describe('types', () => {
  it('check in every project (tsc -b)', () => check(['-b']));
  it('check in the benchmarks', () => check(['-p', 'bench']));
});
