// expose-pipeline and hide-pipeline: anonymous users see an exposed pipeline, its jobs and the
// builds of its public jobs, through fly and the API; nothing else of the team.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { loadTargets, writeTargets } from '../support/fly/protocol/flyrc.ts';
import { replicaPorts, startWebReplicas, type WebReplicas } from './support/web-replicas.ts';

const PASSWORD = 'public-test-password';
const teamConfig = `
roles:
- name: member
  local: {users: [mia]}
- name: viewer
  local: {users: [vic]}
`;

const pipeline = `
jobs:
- name: shown
  public: true
  plan:
  - task: t
    config: &task
      platform: linux
      image_resource: {type: mock, source: {mirror_self: true}}
      run: {path: echo}
- name: hidden
  plan:
  - task: t
    config: *task
`;

describe('public pipelines for anonymous users', () => {
  let web: WebReplicas;
  let home: string;
  let url: string;
  const builds: Record<string, number> = {};
  const run = (target: string, args: string[]) => fly(['-t', target, ...args], { home });
  const anon = (path: string) => fetch(`${url}${path}`);
  const as = async (target: string, path: string) => {
    const token = (await loadTargets(home))[target]!.token!.value;
    return fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  };
  const login = async (target: string, user: string, team: string) => {
    const res = await run(target, ['login', '-c', url, '-u', user, '-p', PASSWORD, '-n', team]);
    assert.equal(res.exitCode, 0, res.stderr);
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-auth-public-'));
    const users = ['admin', 'mia', 'vic', 'carol'].map((u) => `${u}:${PASSWORD}`).join(',');
    web = await startWebReplicas({
      ports: await replicaPorts(1),
      args: () => ['--main-team-local-user', 'admin'],
      env: { CONCOURSE_ADD_LOCAL_USER: users },
    });
    url = web.urls[0]!;
    await login('admin', 'admin', 'main');
    await writeFile(join(home, 'team.yml'), teamConfig);
    await writeFile(join(home, 'pipeline.yml'), pipeline);
    for (const [team, args] of [
      ['t', ['-c', join(home, 'team.yml')]],
      ['other', ['--local-user', 'carol']],
    ] as const) {
      const set = await run('admin', ['set-team', '-n', team, ...args, '--non-interactive']);
      assert.equal(set.exitCode, 0, set.stderr);
    }
    await login('owner', 'mia', 't');
    await login('vic', 'vic', 't');
    await login('carol', 'carol', 'other');
    const set = await run('owner', [
      'set-pipeline',
      '-p',
      'p',
      '-c',
      join(home, 'pipeline.yml'),
      '-n',
    ]);
    assert.equal(set.exitCode, 0, set.stderr);
    for (const job of ['shown', 'hidden']) {
      const trigger = await run('owner', ['trigger-job', '-j', `p/${job}`]);
      assert.equal(trigger.exitCode, 0, trigger.stderr);
      const res = await as('owner', `/api/v1/teams/t/pipelines/p/jobs/${job}/builds`);
      builds[job] = ((await res.json()) as Array<{ id: number }>)[0]!.id;
    }
    const targets = await loadTargets(home);
    targets.anon = { api: url, team: 't' };
    await writeTargets(home, targets);
  });
  after(async () => {
    await web?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('shows an anonymous user nothing of a pipeline that is not exposed', async () => {
    const list = await run('anon', ['pipelines']);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.doesNotMatch(list.stdout, /\bp\b/);
    const jobs = await run('anon', ['jobs', '-p', 'p']);
    assert.equal(jobs.exitCode, 1);
    assert.match(jobs.stderr, /^not authorized/);
    assert.equal((await anon(`/api/v1/builds/${builds.shown}`)).status, 401);
    assert.deepEqual(await (await anon('/api/v1/builds')).json(), []);
  });

  it('lets a member expose the pipeline, and then anyone sees it, its jobs and public builds', async () => {
    const expose = await run('owner', ['expose-pipeline', '-p', 'p']);
    assert.equal(expose.exitCode, 0, expose.stderr);
    assert.match(expose.stdout, /exposed 'p'/);

    assert.match((await run('anon', ['pipelines'])).stdout, /\bp\b/);
    const jobs = await run('anon', ['jobs', '-p', 'p']);
    assert.equal(jobs.exitCode, 0, jobs.stderr);
    assert.match(jobs.stdout, /shown/);
    assert.match(jobs.stdout, /hidden/);

    const shown = await run('anon', ['builds', '-j', 'p/shown']);
    assert.equal(shown.exitCode, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^${builds.shown}\\s`, 'm'));
    assert.equal((await anon(`/api/v1/builds/${builds.shown}`)).status, 200);

    const all = (await (await anon('/api/v1/builds')).json()) as Array<{ id: number }>;
    assert.deepEqual(
      all.map((b) => b.id),
      [builds.shown],
    );
    const ofPipeline = (await (await anon('/api/v1/teams/t/pipelines/p/builds')).json()) as Array<{
      id: number;
    }>;
    assert.deepEqual(
      ofPipeline.map((b) => b.id),
      [builds.shown],
    );
  });

  it('keeps the builds of jobs that are not public, the config and the team private', async () => {
    const hidden = await run('anon', ['builds', '-j', 'p/hidden']);
    assert.equal(hidden.exitCode, 1);
    assert.match(hidden.stderr, /^not authorized/);
    for (const path of [
      '/api/v1/teams/t/pipelines/p/jobs/hidden/builds/1',
      `/api/v1/builds/${builds.hidden}/events`,
      `/api/v1/builds/${builds.hidden}/plan`,
      '/api/v1/teams/t/pipelines/p/config',
      '/api/v1/teams/t',
      '/api/v1/teams/t/builds',
    ]) {
      assert.equal((await anon(path)).status, 401, path);
    }
    // A user of another team is in the same position, but is told 403.
    const carol = await as('carol', '/api/v1/teams/t/pipelines/p/jobs/hidden/builds');
    assert.equal(carol.status, 403);
    const viewer = await as('vic', '/api/v1/teams/t/pipelines/p/jobs/hidden/builds');
    assert.equal(viewer.status, 200);
    const write = await run('anon', ['pause-pipeline', '-p', 'p']);
    assert.equal(write.exitCode, 1);
  });

  it('hides the pipeline again', async () => {
    const hide = await run('owner', ['hide-pipeline', '-p', 'p']);
    assert.equal(hide.exitCode, 0, hide.stderr);
    assert.doesNotMatch((await run('anon', ['pipelines'])).stdout, /\bp\b/);
    assert.equal((await anon('/api/v1/teams/t/pipelines/p/jobs')).status, 401);
    assert.equal((await anon(`/api/v1/builds/${builds.shown}`)).status, 401);
  });
});
