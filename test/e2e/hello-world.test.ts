// The smallest real pipeline through every service, driven the way a user drives JetBridge: fly for
// the pipeline, kubectl for the pods.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { fly, spawnFly } from '../support/fly/index.ts';
import { fixture } from '../support/paths.ts';
import { startDistributed, startQuickstart, type RunningJetBridge } from '../support/jetbridge.ts';

const run = promisify(execFile);

const failingPipeline = `
jobs:
- name: broken
  plan:
  - task: fail
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run: {path: sh, args: [-c, "echo about to fail; exit 1"]}
`;

const slowPipeline = `
jobs:
- name: slow
  serial: true
  plan:
  - task: wait
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run: {path: sh, args: [-c, "echo build-$BUILD_MARK; sleep 1; echo done-$BUILD_MARK"]}
      params: {BUILD_MARK: x}
`;

async function kubectl(kubeconfig: string, ...args: string[]) {
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    timeout: 30_000,
  });
  return stdout;
}

function describeFlyFlow(mode: string, start: () => Promise<RunningJetBridge>) {
  describe(`hello world (${mode})`, { timeout: 600_000 }, () => {
    let jb: RunningJetBridge;
    let home: string;
    const f = async (...args: string[]) => {
      const result = await fly(['-t', 'local', ...args], { home, timeoutMs: 120_000 });
      return result;
    };

    before(async () => {
      home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
      jb = await start();
      const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
      assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
    });

    after(async () => {
      await jb?.stop();
      await rm(home, { recursive: true, force: true });
    });

    it('sets, unpauses and triggers the hello-world pipeline; fly prints the task output', async () => {
      const set = await f(
        'set-pipeline',
        '-p',
        'hello',
        '-c',
        fixture('pipelines', 'examples--hello-world.yml'),
        '-n',
      );
      assert.equal(set.exitCode, 0, set.stderr);
      assert.match(set.stdout, /pipeline created!/);

      assert.equal((await f('unpause-pipeline', '-p', 'hello')).exitCode, 0);
      const trigger = await f('trigger-job', '-j', 'hello/job', '-w');
      assert.equal(trigger.exitCode, 0, `${trigger.stdout}${trigger.stderr}\n${jb.logs()}`);
      assert.match(trigger.stdout, /started hello\/job #1/);
      assert.match(trigger.stdout, /Hello world!/);
      assert.match(trigger.stdout, /succeeded/);
    });

    it('shows the build, pipeline, job and worker the way Concourse does', async () => {
      const builds = await f('builds');
      assert.equal(builds.exitCode, 0, builds.stderr);
      assert.match(builds.stdout, /hello\/job\/1\s+succeeded/);

      const pipelines = await f('pipelines');
      assert.match(pipelines.stdout, /hello/);

      const jobs = await f('jobs', '-p', 'hello');
      assert.match(jobs.stdout, /job\s+no\s+succeeded/);

      const workers = await f('workers');
      assert.equal(workers.exitCode, 0, workers.stderr);
      assert.match(workers.stdout, new RegExp(`k8s-${jb.namespace}`));

      const watch = await f('watch', '-j', 'hello/job');
      assert.equal(watch.exitCode, 0);
      assert.match(watch.stdout, /Hello world!/);
    });

    it('fails the build and exits 1 when the task fails', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'jb-pipeline-'));
      const file = join(dir, 'broken.yml');
      await writeFile(file, failingPipeline);
      assert.equal((await f('set-pipeline', '-p', 'broken', '-c', file, '-n')).exitCode, 0);
      await f('unpause-pipeline', '-p', 'broken');
      const trigger = await f('trigger-job', '-j', 'broken/broken', '-w');
      assert.equal(trigger.exitCode, 1, trigger.stdout + trigger.stderr);
      assert.match(trigger.stdout, /about to fail/);
      assert.match(trigger.stdout, /failed/);
      const builds = await f('builds', '-j', 'broken/broken');
      assert.match(builds.stdout, /failed/);
      await rm(dir, { recursive: true, force: true });
    });

    it('runs a second trigger while the first build runs; both finish in order', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'jb-pipeline-'));
      const file = join(dir, 'slow.yml');
      await writeFile(file, slowPipeline);
      assert.equal((await f('set-pipeline', '-p', 'slow', '-c', file, '-n')).exitCode, 0);
      await f('unpause-pipeline', '-p', 'slow');
      const first = spawnFly(['-t', 'local', 'trigger-job', '-j', 'slow/slow', '-w'], {
        home,
        timeoutMs: 120_000,
      });
      await first.waitForOutput(/started slow\/slow #1/, 60_000);
      const second = await f('trigger-job', '-j', 'slow/slow', '-w');
      const firstResult = await first.result;
      assert.equal(firstResult.exitCode, 0, firstResult.stdout);
      assert.equal(second.exitCode, 0, second.stdout);
      assert.match(second.stdout, /started slow\/slow #2/);
      const builds = await f('builds', '-j', 'slow/slow');
      const row = (name: string) =>
        new RegExp(`slow/slow/${name}\\s+succeeded\\s+(\\S+)\\s+(\\S+)`).exec(builds.stdout);
      const one = row('1');
      const two = row('2');
      assert.ok(one && two, builds.stdout);
      // serial: the second build starts only once the first has ended
      assert.ok(two[1]! >= one[2]!, builds.stdout);
      await rm(dir, { recursive: true, force: true });
    });

    it('runs the step as a labelled pod that kubectl sees, deleted after the grace period', async () => {
      const trigger = await f('trigger-job', '-j', 'hello/job', '-w');
      assert.equal(trigger.exitCode, 0, trigger.stdout + trigger.stderr);
      const build = /started hello\/job #(\d+)/.exec(trigger.stdout)![1]!;
      const listed = await kubectl(
        jb.kubeconfig,
        'get',
        'pods',
        '-n',
        jb.namespace,
        '-l',
        'concourse.ci/worker',
        '-o',
        'json',
      );
      const pods = (
        JSON.parse(listed) as {
          items: { metadata: { name: string; labels: Record<string, string> } }[];
        }
      ).items;
      const pod = pods.find((p) => p.metadata.name.startsWith(`hello-job-b${build}-task-`));
      assert.ok(
        pod,
        `no pod hello-job-b${build}-task-* in ${pods.map((p) => p.metadata.name).join(', ')}`,
      );
      assert.match(pod.metadata.name, /^hello-job-b\d+-task-[0-9a-f]{8}$/);
      assert.equal(pod.metadata.labels['concourse.ci/worker'], `k8s-${jb.namespace}`);
      assert.equal(pod.metadata.labels['concourse.ci/pipeline'], 'hello');
      assert.equal(pod.metadata.labels['concourse.ci/job'], 'job');
      const ids = await f('builds', '-j', 'hello/job');
      const id = new RegExp(`^(\\d+)\\s+hello/job/${build}\\s`, 'm').exec(ids.stdout)![1];
      assert.equal(pod.metadata.labels['concourse.ci/build'], id);
      const table = await kubectl(
        jb.kubeconfig,
        'get',
        'pods',
        '-n',
        jb.namespace,
        '-l',
        'concourse.ci/worker',
      );
      assert.match(table, new RegExp(pod.metadata.name));
      await kubectl(
        jb.kubeconfig,
        'wait',
        '--for=delete',
        `pod/${pod.metadata.name}`,
        '-n',
        jb.namespace,
        '--timeout=90s',
      );
    });

    it('rejects malformed YAML and an unknown step type with 400 and stores nothing', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'jb-pipeline-'));
      const bad = join(dir, 'bad.yml');
      await writeFile(bad, 'jobs:\n- name: j\n  plan:\n  - frobnicate: x\n');
      const result = await f('set-pipeline', '-p', 'bad', '-c', bad, '-n');
      assert.notEqual(result.exitCode, 0);
      assert.match(
        result.stderr,
        /invalid pipeline config|malformed|no core step|no step configured/,
      );
      const got = await f('get-pipeline', '-p', 'bad');
      assert.notEqual(got.exitCode, 0);
      await rm(dir, { recursive: true, force: true });
    });

    it('says not authorized for a wrong password and 401s a team endpoint without a token', async () => {
      const other = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
      const login = await fly(['-t', 'x', 'login', '-c', jb.url, '-u', 'test', '-p', 'wrong'], {
        home: other,
      });
      assert.notEqual(login.exitCode, 0);
      assert.match(
        login.stdout + login.stderr,
        /not authorized|invalid username and password|401/i,
      );
      const res = await fetch(`${jb.url}/api/v1/teams/main/pipelines/hello/jobs`);
      assert.equal(res.status, 401);
      await rm(other, { recursive: true, force: true });
    });
  });
}

describeFlyFlow('quickstart', () => startQuickstart({ args: ['--gc-hijack-grace-period', '10s'] }));
describeFlyFlow('four processes', () => startDistributed({ reaperGraceMs: 10_000 }));
