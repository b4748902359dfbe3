import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const cli = join(import.meta.dirname, 'cli.ts');

describe('the fly command for machines without fly', () => {
  it('prints what fly prints and exits with its status, reading targets from ~/.flyrc', () => {
    const home = mkdtempSync(join(tmpdir(), 'jb-fly-cli-'));
    try {
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [cli, ...args], {
          env: { ...process.env, HOME: home },
          encoding: 'utf8',
          input: '',
          timeout: 30_000,
        });
      const unknown = run('-t', 'nowhere', 'pipelines');
      assert.equal(unknown.status, 1);
      assert.equal(unknown.stderr, 'error: unknown target: nowhere\n');

      writeFileSync(
        join(home, '.flyrc'),
        'targets:\n  closed:\n    api: http://127.0.0.1:9\n    team: main\n',
      );
      const targets = run('targets');
      assert.equal(targets.status, 0);
      assert.match(targets.stdout, /closed\s+http:\/\/127\.0\.0\.1:9\s+main/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
