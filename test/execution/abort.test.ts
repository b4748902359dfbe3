// Ending a build early: fly abort-build stops the running step and deletes its pod, runs only the
// on_abort and ensure hooks, and fly exits 3; a step timeout fails the build with
// "timeout exceeded" and deletes the pod too. The job hooks run by the build's status.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnFly } from '../support/fly/index.ts';
import { fixture } from '../support/paths.ts';
import { startDistributed, type RunningJetBridge } from '../support/jetbridge.ts';
import { flyAs, type FlyAs } from './fly-session.ts';
import { kubectl, podsOfBuild } from './kubectl.ts';

const image = `image_resource: {type: mock, source: {mirror_self: true}}`;
const echo = (name: string, text: string) => `
    task: ${name}
    config:
      platform: linux
      ${image}
      run: {path: echo, args: ["${text}"]}`;

// One job per build status; every job carries all five hooks. A task input that no step produced
// errors the build, as in Concourse.
const hooksPipeline = `
jobs:
${[
  ['succeeding', 'sh', '["-c", "echo step-ran"]'],
  ['failing', 'sh', '["-c", "echo step-ran; exit 1"]'],
  ['erroring', 'sh', '["-c", "echo step-ran"]'],
  ['aborting', 'sh', '["-c", "echo step-ran; echo sleeping; sleep 300"]'],
  ['timing-out', 'sh', '["-c", "echo step-ran; sleep 300"]'],
]
  .map(
    ([name, path, args]) => `
- name: ${name}
  plan:
  - task: main
    ${name === 'timing-out' ? 'timeout: 2s' : ''}
    config:
      platform: linux
      ${image}
      ${name === 'erroring' ? 'inputs: [{name: never-produced}]' : ''}
      run: {path: ${path}, args: ${args}}
  on_success:${echo('on-success', 'hook on_success ran')}
  on_failure:${echo('on-failure', 'hook on_failure ran')}
  on_error:${echo('on-error', 'hook on_error ran')}
  on_abort:${echo('on-abort', 'hook on_abort ran')}
  ensure:${echo('ensure', 'hook ensure ran')}
`,
  )
  .join('')}
`;

const allHooks = ['on_success', 'on_failure', 'on_error', 'on_abort'];

describe('aborting and timing out builds', { timeout: 600_000 }, () => {
  let jb: RunningJetBridge;
  let home: string;
  let dir: string;
  let f: FlyAs;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    dir = await mkdtemp(join(tmpdir(), 'jb-abort-'));
    jb = await startDistributed();
    f = flyAs(home);
    const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
    const file = join(dir, 'hooks.yml');
    await writeFile(file, hooksPipeline);
    assert.equal((await f('set-pipeline', '-p', 'hooks', '-c', file, '-n')).exitCode, 0);
    assert.equal((await f('unpause-pipeline', '-p', 'hooks')).exitCode, 0);
  });

  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  function assertHooks(output: string, expected: string[]) {
    for (const hook of allHooks) {
      const ran = new RegExp(`hook ${hook} ran`).test(output);
      assert.equal(
        ran,
        expected.includes(hook),
        `${hook} ${ran ? 'ran' : 'did not run'}\n${output}`,
      );
    }
    assert.match(output, /hook ensure ran/);
  }

  for (const [job, exit, status, hook] of [
    ['succeeding', 0, 'succeeded', 'on_success'],
    ['failing', 1, 'failed', 'on_failure'],
    ['erroring', 2, 'errored', 'on_error'],
  ] as const) {
    it(`runs only ${hook} and ensure when the build ${status} (exit ${exit})`, async () => {
      const result = await f('trigger-job', '-j', `hooks/${job}`, '-w');
      const out = result.stdout + result.stderr;
      assert.equal(result.exitCode, exit, `${out}\n${jb.logs()}`);
      assert.match(out, new RegExp(status));
      assertHooks(out, [hook]);
    });
  }

  it('aborts a running step: exit 3, pod deleted, only on_abort and ensure ran', async () => {
    const watch = spawnFly(['-t', 'local', 'trigger-job', '-j', 'hooks/aborting', '-w'], {
      home,
      timeoutMs: 120_000,
    });
    await watch.waitForOutput(/sleeping/, 60_000);
    const build = /started hooks\/aborting #(\d+)/.exec(watch.output())![1]!;
    const pods = await podsOfBuild(jb, `hooks-aborting-b${build}-task-`);
    assert.equal(pods.length, 1, `pods: ${pods.join(', ')}`);

    const abort = await f('abort-build', '-j', 'hooks/aborting', '-b', build);
    assert.equal(abort.exitCode, 0, abort.stdout + abort.stderr);
    assert.match(abort.stdout, /build successfully aborted/);

    const result = await watch.result;
    const out = result.stdout + result.stderr;
    assert.equal(result.exitCode, 3, `${out}\n${jb.logs()}`);
    assert.match(out, /aborted/);
    assertHooks(out, ['on_abort']);
    await kubectl(jb, 'wait', '--for=delete', `pod/${pods[0]}`, '--timeout=60s');

    const builds = await f('builds', '-j', 'hooks/aborting');
    assert.match(builds.stdout, new RegExp(`hooks/aborting/${build}\\s+aborted`));
  });

  it('fails a step past its timeout with "timeout exceeded" and deletes its pod', async () => {
    const result = await f('trigger-job', '-j', 'hooks/timing-out', '-w');
    const out = result.stdout + result.stderr;
    assert.equal(result.exitCode, 1, `${out}\n${jb.logs()}`);
    assert.match(out, /timeout exceeded/);
    assertHooks(out, ['on_failure']);
    const build = /started hooks\/timing-out #(\d+)/.exec(out)![1]!;
    for (const pod of await podsOfBuild(jb, `hooks-timing-out-b${build}-task-`)) {
      await kubectl(jb, 'wait', '--for=delete', `pod/${pod}`, '--timeout=60s');
    }
  });

  it('aborts the interruptible corpus job that loops forever', async () => {
    const file = fixture('pipelines', 'topgun--interruptible.yml');
    assert.equal((await f('set-pipeline', '-p', 'interruptible', '-c', file, '-n')).exitCode, 0);
    assert.equal((await f('unpause-pipeline', '-p', 'interruptible')).exitCode, 0);
    const watch = spawnFly(
      ['-t', 'local', 'trigger-job', '-j', 'interruptible/interruptible-job', '-w'],
      { home, timeoutMs: 120_000 },
    );
    await watch.waitForOutput(/waiting forever\.\.\./, 60_000);
    const abort = await f('abort-build', '-j', 'interruptible/interruptible-job', '-b', '1');
    assert.equal(abort.exitCode, 0, abort.stdout + abort.stderr);
    const result = await watch.result;
    assert.equal(result.exitCode, 3, `${result.stdout}${result.stderr}\n${jb.logs()}`);
    for (const pod of await podsOfBuild(jb, 'interruptible-interruptible-job-b1-task-')) {
      await kubectl(jb, 'wait', '--for=delete', `pod/${pod}`, '--timeout=60s');
    }
  });
});
