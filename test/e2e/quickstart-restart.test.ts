// The quickstart keeps its data in one folder, and comes back after being killed: its embedded
// Postgres, orphaned by the kill, is stopped and started again on the same data. Its step pods do
// not survive a restart (kubesim runs inside it): a build stopped mid-step ends with that said,
// and its command is never run a second time.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fly, spawnFly } from '../support/fly/index.ts';
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

  it('ends a build whose step was running when it stopped, without running the command again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'jb-restart-'));
    const home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    cleanup.push(dataDir, home);
    const f = (...args: string[]) => fly(['-t', 'r', ...args], { home, timeoutMs: 120_000 });
    const pipeline = join(home, 'ticks.yml');
    await writeFile(
      pipeline,
      `jobs:
- name: ticks
  plan:
  - task: tick
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run:
        path: sh
        args: [-c, 'echo command-started; i=1; while [ $i -le 600 ]; do echo "tick $i"; i=$((i+1)); sleep 0.1; done']
`,
    );

    const first = await startQuickstart({ dataDir });
    try {
      assert.equal((await f('login', '-c', first.url, '-u', 'test', '-p', 'test')).exitCode, 0);
      assert.equal((await f('set-pipeline', '-p', 'ticks', '-c', pipeline, '-n')).exitCode, 0);
      await f('unpause-pipeline', '-p', 'ticks');
      await f('trigger-job', '-j', 'ticks/ticks');
      // Many events stored before the stop: the restarted in-process bus numbers its events anew.
      const watch = spawnFly(['-t', 'r', 'watch', '-j', 'ticks/ticks', '-b', '1'], {
        home,
        timeoutMs: 120_000,
      });
      await watch.waitForOutput(/tick 40\n/, 90_000);
      watch.interrupt();
      await watch.result;
    } finally {
      await first.stop();
    }

    const second = await startQuickstart({ dataDir });
    try {
      assert.equal((await f('login', '-c', second.url, '-u', 'test', '-p', 'test')).exitCode, 0);
      const watched = await f('watch', '-j', 'ticks/ticks', '-b', '1');
      const out = watched.stdout + watched.stderr;
      assert.equal(watched.exitCode, 2, `${out}\n${second.logs()}`);
      assert.match(out, /disappeared before the step finished/);
      assert.equal(out.match(/^command-started$/gm)?.length, 1, `the command ran once:\n${out}`);
    } finally {
      await second.stop();
    }
  });
});
