// The quickstart keeps its data in one folder, and comes back after being killed: its embedded
// Postgres, orphaned by the kill, is stopped and started again on the same data.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { fixture } from '../support/paths.ts';
import { startQuickstart } from '../support/jetbridge.ts';

describe('quickstart restarts', { timeout: 600_000 }, () => {
  const cleanup: string[] = [];
  after(async () => {
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
  });

  it('starts again on its data after being SIGKILLed, with pipelines and builds kept', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'jb-restart-'));
    const home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    cleanup.push(dataDir, home);
    const f = (url: string, ...args: string[]) =>
      fly(['-t', 'r', ...args], { home, timeoutMs: 120_000 });

    const first = await startQuickstart({ dataDir });
    try {
      assert.equal(
        (await f(first.url, 'login', '-c', first.url, '-u', 'test', '-p', 'test')).exitCode,
        0,
      );
      const hello = fixture('pipelines', 'examples--hello-world.yml');
      assert.equal(
        (await f(first.url, 'set-pipeline', '-p', 'kept', '-c', hello, '-n')).exitCode,
        0,
      );
      await f(first.url, 'unpause-pipeline', '-p', 'kept');
      const built = await f(first.url, 'trigger-job', '-j', 'kept/job', '-w');
      assert.equal(built.exitCode, 0, built.stdout);
    } finally {
      await first.processes.get('quickstart')!.kill();
    }

    const second = await startQuickstart({ dataDir });
    try {
      assert.equal(
        (await f(second.url, 'login', '-c', second.url, '-u', 'test', '-p', 'test')).exitCode,
        0,
      );
      const builds = await f(second.url, 'builds', '-j', 'kept/job');
      assert.match(builds.stdout, /kept\/job\/1\s+succeeded/);
    } finally {
      await second.stop();
    }
  });
});
