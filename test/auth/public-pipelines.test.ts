// expose-pipeline and hide-pipeline: anonymous users see an exposed pipeline, its jobs and the
// builds of its public jobs, through fly and the API; nothing else of the team.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  PASSWORD,
  setPipeline,
  startTestApi,
  type TestApi,
} from '../../services/web/src/api/test-support.ts';
import { startHttpServer, type RunningServer } from '../../services/web/src/server.ts';
import { fly } from '../support/fly/index.ts';
import { loadTargets, writeTargets } from '../support/fly/protocol/flyrc.ts';

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
  let api: TestApi;
  let server: RunningServer;
  let home: string;
  let url: string;
  const builds: Record<string, number> = {};
  const run = (target: string, args: string[]) => fly(['-t', target, ...args], { home });
  const anon = (path: string) => fetch(`${url}${path}`);

  before(async () => {
    api = await startTestApi();
    server = await startHttpServer(api.ctx, api.app);
    url = `http://127.0.0.1:${server.port}`;
    home = await mkdtemp(join(tmpdir(), 'jb-auth-public-'));
    assert.equal((await setPipeline(api, '/api/v1/teams/t/pipelines/p', pipeline)).status, 201);
    for (const job of ['shown', 'hidden']) {
      const res = await api.request(`/api/v1/teams/t/pipelines/p/jobs/${job}/builds`, {
        method: 'POST',
        as: 'olive',
      });
      builds[job] = ((await res.json()) as { id: number }).id;
    }
    const login = await run('owner', ['login', '-c', url, '-u', 'mia', '-p', PASSWORD, '-n', 't']);
    assert.equal(login.exitCode, 0, login.stderr);
    const targets = await loadTargets(home);
    targets.anon = { api: url, team: 't' };
    await writeTargets(home, targets);
  });
  after(async () => {
    await server?.close();
    await api?.close();
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
    const carol = await api.request('/api/v1/teams/t/pipelines/p/jobs/hidden/builds', {
      as: 'carol',
    });
    assert.equal(carol.status, 403);
    const viewer = await api.request('/api/v1/teams/t/pipelines/p/jobs/hidden/builds', {
      as: 'vic',
    });
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
