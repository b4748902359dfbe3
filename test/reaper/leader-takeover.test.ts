// Two reaper replicas: one leads, the other stands by; SIGKILL the leader and the standby leads
// within one GC interval and goes on collecting pods.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startDistributed } from '../support/jetbridge.ts';
import type { ManagedProcess } from '../support/processes.ts';
import { kubectlPods } from './chaos-scenario.ts';

const run = promisify(execFile);
const intervalMs = 2_000;
const becameLeader = /reaper-became-leader/;

describe('reaper leadership across replicas', { timeout: 300_000 }, () => {
  let jb: Awaited<ReturnType<typeof startDistributed>>;

  before(async () => {
    jb = await startDistributed({ reaperGraceMs: 1_000 });
  });

  after(async () => {
    await jb?.stop();
  });

  it('lets the standby take over within one interval after the leader is SIGKILLed', async (t) => {
    const first = jb.processes.get('reaper')!;
    await first.waitFor(becameLeader, 30_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const leader = spawnReaper('reaper-a');
    await leader.waitFor(becameLeader, 30_000);
    const standby = spawnReaper('reaper-b');
    await standby.waitFor(/reaper-started/, 60_000);
    // A replica tries to lead before it says it started: the standby has tried and lost.
    assert.doesNotMatch(standby.output, becameLeader);

    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await standby.waitFor(becameLeader, intervalMs + 5_000);
    // The standby's own log time, so the delay of its output pipe does not count.
    const line = standby.output.split('\n').find((l) => becameLeader.test(l))!;
    const loggedAt = new Date((JSON.parse(line) as { time: string | number }).time).getTime();
    const takeoverMs = loggedAt - killedAt;
    t.diagnostic(`takeover after ${takeoverMs} ms`);
    assert.ok(
      takeoverMs <= intervalMs + 1_000,
      `the standby took ${takeoverMs} ms to lead (interval ${intervalMs} ms)`,
    );

    await run('kubectl', [
      '--kubeconfig',
      jb.kubeconfig,
      'run',
      'orphan-step',
      '-n',
      jb.namespace,
      '--image',
      'busybox',
      '--labels',
      `concourse.ci/worker=k8s-${jb.namespace},concourse.ci/build=424242`,
      '--',
      'sleep',
      '86400',
    ]);
    await run(
      'kubectl',
      [
        '--kubeconfig',
        jb.kubeconfig,
        'wait',
        '--for=delete',
        'pod/orphan-step',
        '-n',
        jb.namespace,
        '--timeout=30s',
      ],
      { timeout: 60_000 },
    );
    assert.deepEqual(await kubectlPods(jb), []);
  });

  function spawnReaper(name: string): ManagedProcess {
    return jb.spawn(name, [
      'reaper',
      '--gc-interval',
      `${intervalMs}ms`,
      '--gc-hijack-grace-period',
      '1s',
    ]);
  }
});
