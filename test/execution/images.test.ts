// Images fetched the Concourse way, through fly against kubesim: a task's image_resource and a
// custom type (itself of a custom type) are checked and got by sub-steps of their own, which show
// in the build's events, in fly's output and in the build plan; the step runs on what they got.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startDistributed, type RunningJetBridge } from '../support/jetbridge.ts';
import { flyAs, type FlyAs } from './fly-session.ts';
import { apiToken } from '../support/api-token.ts';

const pipeline = `
resource_types:
- name: inner
  type: mock
  source: {mirror_self: true, initial_version: inner-v1}
- name: outer
  type: inner
  source: {mirror_self: true, initial_version: outer-v1}
resources:
- name: thing
  type: outer
  source: {initial_version: thing-v1}
jobs:
- name: images
  plan:
  - get: thing
  - task: on-custom
    config:
      platform: linux
      image_resource: {type: outer, source: {mirror_self: true, initial_version: task-image-v1}}
      run: {path: sh, args: [-c, 'echo "mirrored=$MIRRORED_VERSION"']}
  - task: on-registry
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run: {path: sh, args: [-c, 'echo registry-ok']}
  - task: pinned
    config:
      platform: linux
      image_resource:
        type: mock
        source: {mirror_self: true}
        version: {version: pinned-v1}
      run: {path: sh, args: [-c, 'echo "pinned=$MIRRORED_VERSION"']}
- name: broken-image
  plan:
  - task: never-runs
    config:
      platform: linux
      image_resource: {type: mock, source: {check_failure: no image here}}
      run: {path: echo, args: [ran-anyway]}
`;

interface StreamedEvent {
  event: string;
  data: Record<string, unknown>;
}

describe('image check and get sub-steps', { timeout: 600_000 }, () => {
  let jb: RunningJetBridge;
  let home: string;
  let f: FlyAs;
  let token: string;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startDistributed();
    f = flyAs(home);
    const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
    const file = join(home, 'images.yml');
    await writeFile(file, pipeline);
    assert.equal((await f('set-pipeline', '-p', 'img', '-c', file, '-n')).exitCode, 0);
    assert.equal((await f('unpause-pipeline', '-p', 'img')).exitCode, 0);
    token = await apiToken(jb.url, 'test', 'test');
  });

  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  async function api(path: string): Promise<Response> {
    return fetch(`${jb.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  }

  async function latestBuildId(job: string): Promise<number> {
    const response = await api(`/api/v1/teams/main/pipelines/img/jobs/${job}/builds`);
    const builds = (await response.json()) as Array<{ id: number }>;
    return builds[0]!.id;
  }

  /** The finished build's whole event stream, as fly reads it. */
  async function events(buildId: number): Promise<StreamedEvent[]> {
    const response = await api(`/api/v1/builds/${buildId}/events`);
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    let text = '';
    while (!/\nevent: end\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    await reader.cancel();
    return [...text.matchAll(/^event: event\ndata: (.*)$/gm)].map(
      (m) => JSON.parse(m[1]!) as StreamedEvent,
    );
  }

  /** fly's output without its colours. */
  const plain = (text: string) => stripVTControlCharacters(text);

  const originOf = (e: StreamedEvent) => (e.data.origin as { id?: string } | undefined)?.id;

  it('runs each image check and get as a sub-step and the tasks on what they got', async () => {
    const watched = await f('trigger-job', '-j', 'img/images', '-w');
    const out = plain(watched.stdout + watched.stderr);
    assert.equal(watched.exitCode, 0, `${out}\n${jb.logs()}`);
    assert.match(out, /initializing check: image/);
    assert.match(out, /mirrored=task-image-v1/);
    assert.match(out, /registry-ok/);
    assert.match(out, /pinned=pinned-v1/);

    const buildId = await latestBuildId('images');
    const plan = (await (await api(`/api/v1/builds/${buildId}/plan`)).json()) as {
      plan: { do: Array<Record<string, { name: string }> & { id: string }> };
    };
    const [get, onCustom, onRegistry] = plan.plan.do;
    const getId = get!.id;
    assert.deepEqual(Object.keys(get!.get!), [
      'name',
      'type',
      'resource',
      'version',
      'image_get_plan',
      'image_check_plan',
    ]);
    assert.match(
      JSON.stringify(get),
      /"image_get_plan":\{"id":"[^"]+\/image-get","get":\{"name":"outer","type":"inner","image_get_plan":/,
    );

    const all = await events(buildId);
    const types = (id: string) => all.filter((e) => originOf(e) === id).map((e) => e.event);
    // The get of `thing` (type outer) fetched outer's image, whose check and get ran in inner's.
    assert.deepEqual(types(`${getId}/image-get`).slice(0, 1), ['initialize-get']);
    assert.ok(types(`${getId}/image-get`).includes('finish-get'));
    assert.ok(types(`${getId}/image-check`).includes('initialize-check'));
    assert.ok(types(`${getId}/image-get/image-get`).includes('finish-get'));
    const firstOfGet = all.findIndex((e) => originOf(e) === getId);
    const imageGetDone = all.findIndex(
      (e) => originOf(e) === `${getId}/image-get` && e.event === 'finish-get',
    );
    const getStarted = all.findIndex((e) => originOf(e) === getId && e.event === 'start-get');
    assert.equal(all[firstOfGet]!.event, 'initialize-get');
    assert.ok(firstOfGet < imageGetDone && imageGetDone < getStarted);

    // Tasks announce their image_resource steps with their public plans, then run them.
    const taskId = onCustom!.id;
    assert.deepEqual(types(taskId).slice(0, 3), ['initialize-task', 'image-check', 'image-get']);
    const imageCheck = all.find((e) => originOf(e) === taskId && e.event === 'image-check')!;
    const checkPlan = imageCheck.data.plan as { id: string; check: Record<string, unknown> };
    assert.equal(checkPlan.id, `${taskId}/image-check`);
    assert.deepEqual(Object.keys(checkPlan.check), [
      'name',
      'type',
      'image_get_plan',
      'image_check_plan',
    ]);
    assert.deepEqual(types(`${taskId}/image-check`).at(-1), 'finish');
    const finishImage = all.find(
      (e) => originOf(e) === `${taskId}/image-get` && e.event === 'finish-get',
    )!;
    assert.deepEqual(finishImage.data.version, { version: 'task-image-v1' });

    const registryId = onRegistry!.id;
    const registryGet = all.find(
      (e) => originOf(e) === `${registryId}/image-get` && e.event === 'finish-get',
    )!;
    const version = registryGet.data.version as { tag: string; digest: string };
    assert.equal(version.tag, 'latest');
    assert.match(version.digest, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(types(`${registryId}/image-get`), [
      'initialize-get',
      'start-get',
      'finish-get',
    ]);

    const pinnedId = plan.plan.do[3]!.id;
    assert.deepEqual(types(pinnedId).slice(0, 2), ['initialize-task', 'image-get']);
    assert.equal(types(`${pinnedId}/image-check`).length, 0);
  });

  it('errors the task with the image check failure in its log, running nothing', async () => {
    const watched = await f('trigger-job', '-j', 'img/broken-image', '-w');
    const out = plain(watched.stdout + watched.stderr);
    assert.equal(watched.exitCode, 2, `${out}\n${jb.logs()}`);
    assert.match(out, /initializing check: image/);
    assert.match(out, /no image here/);
    assert.match(out, /image check failed/);
    assert.doesNotMatch(out, /ran-anyway/);

    const all = await events(await latestBuildId('broken-image'));
    const error = all.find((e) => e.event === 'error')!;
    assert.equal(error.data.message, 'image check failed');
    const finish = all.find((e) => e.event === 'finish')!;
    assert.equal(finish.data.succeeded, false);
    assert.ok(!all.some((e) => e.event === 'start-task'));
  });
});
