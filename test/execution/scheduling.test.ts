// Which version a build gets and whether it may start, driven through fly: versions found by
// `fly check-resource --from` trigger jobs, pins and disabled versions steer manual builds, reruns
// reuse their build's inputs, a job with disable_manual_trigger refuses fly trigger-job, and tasks
// see the external URL but no build metadata.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDistributed, type RunningJetBridge } from '../support/jetbridge.ts';
import { flyAs, type FlyAs } from './fly-session.ts';

const showVersion = `
    config:
      platform: linux
      image_resource: {type: mock, source: {mirror_self: true}}
      inputs: [{name: versions}]
      run: {path: sh, args: [-c, 'echo "got $(cat versions/version)"']}`;

const pipeline = `
resource_types:
- name: mirrored
  type: mock
  source: {mirror_self: true, initial_version: type-v1}
resources:
- name: versions
  type: mock
  source: {no_initial_version: true}
- name: typed
  type: mirrored
  source: {}
jobs:
- name: auto
  plan:
  - get: versions
    trigger: true
  - task: show${showVersion}
- name: consume
  plan:
  - get: versions
  - task: show${showVersion}
- name: manual-off
  disable_manual_trigger: true
  plan:
  - task: never
    config:
      platform: linux
      image_resource: {type: mock, source: {mirror_self: true}}
      run: {path: echo, args: [never]}
- name: typed-get
  plan:
  - get: typed
- name: env
  plan:
  - task: show-env
    config:
      platform: linux
      image_resource: {type: mock, source: {mirror_self: true}}
      run:
        path: sh
        args:
        - -c
        - echo "id=$BUILD_ID name=$BUILD_NAME job=$BUILD_JOB_NAME pipeline=$BUILD_PIPELINE_NAME team=$BUILD_TEAM_NAME url=$ATC_EXTERNAL_URL"
`;

describe('scheduling builds from resource versions', { timeout: 600_000 }, () => {
  let jb: RunningJetBridge;
  let home: string;
  let f: FlyAs;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startDistributed();
    f = flyAs(home);
    const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
    const file = join(home, 'scheduling.yml');
    await writeFile(file, pipeline);
    assert.equal((await f('set-pipeline', '-p', 'sched', '-c', file, '-n')).exitCode, 0);
    assert.equal((await f('unpause-pipeline', '-p', 'sched')).exitCode, 0);
  });

  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  async function ok(...args: string[]) {
    const result = await f(...args);
    const out = result.stdout + result.stderr;
    assert.equal(result.exitCode, 0, `fly ${args.join(' ')}\n${out}\n${jb.logs()}`);
    return out;
  }

  it('triggers a job when fly check-resource --from finds a version', async () => {
    await ok('check-resource', '-r', 'sched/versions', '--from', 'version:v1');
    const deadline = Date.now() + 120_000;
    while (!/sched\/auto\/1\s/.test((await f('builds', '-j', 'sched/auto')).stdout)) {
      if (Date.now() > deadline) assert.fail(`auto was not triggered\n${jb.logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.match(await ok('watch', '-j', 'sched/auto', '-b', '1'), /got v1/);
  });

  it('lists checked versions with fly resource-versions', async () => {
    await ok('check-resource', '-r', 'sched/versions', '--from', 'version:v2');
    await ok('check-resource', '-r', 'sched/versions', '--from', 'version:v3');
    const listed = await ok('resource-versions', '-r', 'sched/versions');
    for (const v of ['v1', 'v2', 'v3']) assert.match(listed, new RegExp(`version:${v}\\s+yes`));
  });

  it('gives a manual build the latest version, or the pinned one while pinned', async () => {
    assert.match(await ok('trigger-job', '-j', 'sched/consume', '-w'), /got v3/);
    await ok('pin-resource', '-r', 'sched/versions', '-v', 'version:v1');
    assert.match(await ok('trigger-job', '-j', 'sched/consume', '-w'), /got v1/);
    await ok('unpin-resource', '-r', 'sched/versions');
    assert.match(await ok('trigger-job', '-j', 'sched/consume', '-w'), /got v3/);
  });

  it('skips a disabled version until it is enabled again', async () => {
    await ok('disable-resource-version', '-r', 'sched/versions', '-v', 'version:v3');
    assert.match(await ok('trigger-job', '-j', 'sched/consume', '-w'), /got v2/);
    await ok('enable-resource-version', '-r', 'sched/versions', '-v', 'version:v3');
    assert.match(await ok('trigger-job', '-j', 'sched/consume', '-w'), /got v3/);
  });

  it('reruns a build with the inputs of the original as build 1.1', async () => {
    const rerun = await ok('rerun-build', '-j', 'sched/consume', '-b', '2', '-w');
    assert.match(rerun, /sched\/consume #2\.1/);
    assert.match(rerun, /got v1/);
  });

  it('refuses fly trigger-job for a job with disable_manual_trigger', async () => {
    const result = await f('trigger-job', '-j', 'sched/manual-off');
    assert.notEqual(result.exitCode, 0, result.stdout + result.stderr);
    assert.doesNotMatch((await f('builds', '-j', 'sched/manual-off')).stdout, /manual-off\/1/);
  });

  it('keeps build metadata from tasks, as Concourse does, but gives them the external URL', async () => {
    const out = await ok('trigger-job', '-j', 'sched/env', '-w');
    const escaped = jb.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(out, new RegExp(`^id= name= job= pipeline= team= url=${escaped}$`, 'm'));
  });

  it('checks a custom resource type with fly check-resource-type and gets through it', async () => {
    assert.match(await ok('check-resource-type', '-r', 'sched/mirrored'), /succeeded/);
    await ok('trigger-job', '-j', 'sched/typed-get', '-w');
  });
});
