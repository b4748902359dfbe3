// Builds survive the loss of what drives them: with two web replicas, SIGKILLing the one that owns
// a running build lets the other finish it; restarting NATS mid-build loses nothing; SIGKILLing the
// pod-executor mid-command lets another executor re-attach to the pod. Each time the log is
// complete, in order, without duplicates, the command ran once, and no pod stays behind.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPool, type Pool } from '@jetbridge/db';
import { spawnFly } from '../support/fly/index.ts';
import { startDistributed } from '../support/jetbridge.ts';
import { freePort, type ManagedProcess } from '../support/processes.ts';
import { flyAs, type FlyAs } from './fly-session.ts';
import { kubectl, podsOfBuild } from './kubectl.ts';
import { PrivateNats } from './private-nats.ts';

const lines = 40;

const pipeline = `
jobs:
- name: counter
  plan:
  - task: count
    config:
      platform: linux
      image_resource: {type: mock, source: {mirror_self: true}}
      run:
        path: sh
        args:
        - -c
        - |
          echo "command-""started"
          i=1
          while [ $i -le ${lines} ]; do echo "line $i"; i=$((i+1)); sleep 0.2; done
`;

function isRunning(process: ManagedProcess): boolean {
  return process.child.exitCode === null && process.child.signalCode === null;
}

type Deployment = Awaited<ReturnType<typeof startDistributed>>;

describe('builds survive a killed web replica and a NATS restart', { timeout: 600_000 }, () => {
  let nats: PrivateNats;
  let jb: Deployment;
  let pool: Pool;
  let home: string;
  let dir: string;
  const targets = new Map<string, { fly: FlyAs; web: ManagedProcess }>();

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    dir = await mkdtemp(join(tmpdir(), 'jb-resilience-'));
    nats = await PrivateNats.start();
    jb = await startDistributed({ natsUrl: nats.url, stepJobAckWait: '3s' });
    pool = createPool(jb.db.settings);
    const secondPort = await freePort();
    const second = await jb.startWeb('web-2', secondPort);
    for (const [target, url, web] of [
      ['one', jb.url, jb.processes.get('web')!],
      ['two', `http://127.0.0.1:${secondPort}`, second],
    ] as const) {
      const fly = flyAs(home, target);
      const login = await fly('login', '-c', url, '-u', 'test', '-p', 'test');
      assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
      targets.set(target, { fly, web });
    }
    const file = join(dir, 'counter.yml');
    await writeFile(file, pipeline);
    const one = targets.get('one')!.fly;
    assert.equal((await one('set-pipeline', '-p', 'resilience', '-c', file, '-n')).exitCode, 0);
    assert.equal((await one('unpause-pipeline', '-p', 'resilience')).exitCode, 0);
  });

  after(async () => {
    await pool?.end();
    await jb?.stop();
    await nats?.stop();
    await rm(home, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  async function trigger(): Promise<{ build: string; id: number }> {
    const [, running] = [...targets.entries()].find(([, t]) => isRunning(t.web))!;
    const result = await running.fly('trigger-job', '-j', 'resilience/counter');
    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    const build = /started resilience\/counter #(\d+)/.exec(result.stdout)![1]!;
    const row = await pool.query<{ id: number }>(
      `SELECT b.id FROM builds b JOIN jobs j ON j.id = b.job_id WHERE j.name = 'counter' AND b.name = $1`,
      [build],
    );
    return { build, id: row.rows[0]!.id };
  }

  // The replica that drives the build, once one has taken it (bounded).
  async function ownerOf(id: number): Promise<string> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await pool.query<{ owner: string | null }>(
        'SELECT owner FROM builds WHERE id = $1',
        [id],
      );
      const owner = row.rows[0]?.owner;
      if (owner) {
        for (const [name, t] of targets) if (owner.includes(`-${t.web.child.pid}-`)) return name;
        assert.fail(`build ${id} is owned by ${owner}, neither web replica`);
      }
      if (Date.now() > deadline) assert.fail(`no replica took build ${id}\n${jb.logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  function assertCompleteLog(output: string) {
    assert.equal(output.match(/command-started/g)?.length, 1, output);
    const seen = [...output.matchAll(/^line (\d+)$/gm)].map((m) => Number(m[1]));
    assert.deepEqual(
      seen,
      Array.from({ length: lines }, (_, i) => i + 1),
      output,
    );
  }

  async function assertPodRanOnceAndIsCollected(build: string) {
    const pods = await podsOfBuild(jb, `resilience-counter-b${build}-task-`);
    assert.ok(pods.length <= 1, `more than one pod for the step: ${pods.join(', ')}`);
    for (const pod of pods) {
      await kubectl(jb, 'wait', '--for=delete', `pod/${pod}`, '--timeout=60s');
    }
  }

  it('finishes the build on the other replica when its owner is SIGKILLed', async () => {
    const { build, id } = await trigger();
    const owner = await ownerOf(id);
    const survivor = owner === 'one' ? 'two' : 'one';
    const watch = spawnFly(['-t', survivor, 'watch', '-j', 'resilience/counter', '-b', build], {
      home,
      timeoutMs: 180_000,
    });
    await watch.waitForOutput(/line 5\n/, 60_000);
    await targets.get(owner)!.web.kill();

    const result = await watch.result;
    const out = result.stdout + result.stderr;
    assert.equal(result.exitCode, 0, `${out}\n${jb.logs()}`);
    assert.match(out, /succeeded/);
    assertCompleteLog(result.stdout);
    await assertPodRanOnceAndIsCollected(build);

    const rerun = await targets
      .get(survivor)!
      .fly('watch', '-j', 'resilience/counter', '-b', build);
    assertCompleteLog(rerun.stdout);
  });

  it('finishes the build with its whole log when NATS restarts mid-build', async () => {
    const [name, web] = [...targets.entries()].find(([, t]) => isRunning(t.web))!;
    const { build } = await trigger();
    const watch = spawnFly(['-t', name, 'watch', '-j', 'resilience/counter', '-b', build], {
      home,
      timeoutMs: 180_000,
    });
    await watch.waitForOutput(/line 5\n/, 60_000);
    await nats.restart();

    const result = await watch.result;
    const out = result.stdout + result.stderr;
    assert.equal(result.exitCode, 0, `${out}\n${jb.logs()}`);
    assertCompleteLog(result.stdout);
    await assertPodRanOnceAndIsCollected(build);

    const again = await web.fly('watch', '-j', 'resilience/counter', '-b', build);
    assertCompleteLog(again.stdout);
  });

  it('re-attaches to the running command when the pod-executor is SIGKILLed mid-command', async () => {
    const [name, web] = [...targets.entries()].find(([, t]) => isRunning(t.web))!;
    const { build } = await trigger();
    const watch = spawnFly(['-t', name, 'watch', '-j', 'resilience/counter', '-b', build], {
      home,
      timeoutMs: 180_000,
    });
    await watch.waitForOutput(/line 5\n/, 60_000);
    await jb.processes.get('pod-executor')!.kill();
    const replacement = jb.spawn('pod-executor-2', ['pod-executor']);
    await replacement.waitFor(/pod-executor-started/, 60_000);

    const result = await watch.result;
    const out = result.stdout + result.stderr;
    assert.equal(result.exitCode, 0, `${out}\n${jb.logs()}`);
    assertCompleteLog(result.stdout);
    assert.match(replacement.output, /step-reattached/, 'the new executor followed the old pod');
    await assertPodRanOnceAndIsCollected(build);

    const again = await web.fly('watch', '-j', 'resilience/counter', '-b', build);
    assertCompleteLog(again.stdout);
  });
});
