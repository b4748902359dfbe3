// Checks a user asks for, driven through fly and the API: a webhook finds a new version and the
// job triggers without waiting for check_every; a check past its check_timeout errors with its pod
// deleted; fly trigger-job re-checks the job's inputs before the build chooses versions; and
// fly check-resource without --shallow re-checks the custom type below the resource first.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPool, type Pool } from '@jetbridge/db';
import { loadTargets } from '../support/fly/protocol/flyrc.ts';
import { startDistributed } from '../support/jetbridge.ts';
import { flyAs, type FlyAs } from './fly-session.ts';
import { kubectl, podsOfBuild } from './kubectl.ts';

const pipeline = `
var_sources:
- name: hooks
  type: dummy
  config: {vars: {token: s3cret}}
resource_types:
- name: mirrored
  type: mock
  source: {mirror_self: true, initial_version: type-v1}
  check_every: never
resources:
- name: tick
  type: time
  source: {interval: 1ms}
  check_every: 1h
  webhook_token: ((hooks:token))
- name: clock
  type: time
  source: {interval: 1ms}
  check_every: never
- name: slow
  type: mock
  source: {check_delay: 1h}
  check_timeout: 3s
  check_every: never
- name: typed
  type: mirrored
  source: {}
  check_every: never
jobs:
- name: on-tick
  plan:
  - get: tick
    trigger: true
- name: manual
  plan:
  - get: clock
  - task: show
    config:
      platform: linux
      image_resource: {type: mock, source: {mirror_self: true}}
      inputs: [{name: clock}]
      run: {path: sh, args: [-c, 'echo "got $(cat clock/input)"']}
- name: slow-get
  plan:
  - get: slow
- name: typed-get
  plan:
  - get: typed
`;

type Deployment = Awaited<ReturnType<typeof startDistributed>>;

/** Polls `probe` until it returns a value, for state only visible by asking; bounded. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('checks a user asks for', { timeout: 600_000 }, () => {
  let jb: Deployment;
  let home: string;
  let f: FlyAs;
  let token: string;
  let db: Pool;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startDistributed();
    db = createPool(jb.db.settings);
    f = flyAs(home);
    const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
    token = (await loadTargets(home)).local!.token!.value;
    const file = join(home, 'checks.yml');
    await writeFile(file, pipeline);
    assert.equal((await f('set-pipeline', '-p', 'checks', '-c', file, '-n')).exitCode, 0);
    assert.equal((await f('unpause-pipeline', '-p', 'checks')).exitCode, 0);
  });

  after(async () => {
    await db?.end();
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  async function ok(...args: string[]) {
    const result = await f(...args);
    const out = result.stdout + result.stderr;
    assert.equal(result.exitCode, 0, `fly ${args.join(' ')}\n${out}\n${jb.logs()}`);
    return out;
  }

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${jb.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, `GET ${path}`);
    return (await res.json()) as T;
  }

  /** The job's builds, newest first, as fly lists them. */
  async function jobBuilds(job: string): Promise<string> {
    return ok('builds', '-j', `checks/${job}`);
  }

  it('triggers the job from a webhook at once, not at check_every (1h)', async () => {
    // The first check of a new resource runs at once and triggers build 1.
    await eventually('on-tick #1', async () =>
      /checks\/on-tick\/1\s/.test(await jobBuilds('on-tick')) ? true : undefined,
    );
    assert.match(await ok('watch', '-j', 'checks/on-tick', '-b', '1'), /succeeded/);

    const hook = `${jb.url}/api/v1/teams/main/pipelines/checks/resources/tick/check/webhook`;
    assert.equal((await fetch(`${hook}?webhook_token=wrong`, { method: 'POST' })).status, 401);
    const res = await fetch(`${hook}?webhook_token=s3cret`, { method: 'POST' });
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as { resource_name: string }).resource_name, 'tick');

    await eventually('on-tick #2', async () =>
      /checks\/on-tick\/2\s/.test(await jobBuilds('on-tick')) ? true : undefined,
    );
    assert.match(await ok('watch', '-j', 'checks/on-tick', '-b', '2'), /succeeded/);
  });

  it('re-checks the inputs of a job triggered by hand before choosing their versions', async () => {
    // A clock never checked on its own; every check finds a new version (interval 1ms).
    await ok('check-resource', '-r', 'checks/clock');
    const known = await ok('resource-versions', '-r', 'checks/clock');
    assert.match(known, /time:/);

    const out = await ok('trigger-job', '-j', 'checks/manual', '-w');

    const time = /"version":\{"time":"([^"]+)"\}/.exec(out)?.[1];
    assert.ok(time, out);
    assert.ok(!known.includes(time), `${time} was already known before the trigger:\n${known}`);
    assert.match(await ok('resource-versions', '-r', 'checks/clock'), new RegExp(time));
  });

  it('errors a check that runs past its check_timeout and deletes its pod', async () => {
    const result = await f('check-resource', '-r', 'checks/slow');
    const out = result.stdout + result.stderr;

    assert.notEqual(result.exitCode, 0, `${out}\n${jb.logs()}`);
    assert.match(out, /timeout exceeded/);
    const resource = await api<{ build: { status: string } }>(
      '/api/v1/teams/main/pipelines/checks/resources/slow',
    );
    assert.equal(resource.build.status, 'failed');
    for (const pod of await podsOfBuild(jb, 'chk-slow-')) {
      await kubectl(jb, 'wait', '--for=delete', `pod/${pod}`, '--timeout=60s');
    }
  });

  it('re-checks the custom type below the resource first, unless --shallow', async () => {
    const typeChecks = async () => {
      const found = await db.query<{ status: string; end_time: Date }>(
        `SELECT b.status, b.end_time FROM builds b JOIN resource_types t ON t.id = b.resource_type_id
         WHERE t.name = 'mirrored' ORDER BY b.id`,
      );
      return found.rows;
    };
    assert.deepEqual(await typeChecks(), []);

    const out = await ok('check-resource', '-r', 'checks/typed');

    assert.match(out, /succeeded/);
    const [typeCheck] = await typeChecks();
    assert.equal(typeCheck?.status, 'succeeded');
    const checked = await api<{ build: { start_time: number } }>(
      '/api/v1/teams/main/pipelines/checks/resources/typed',
    );
    assert.ok(typeCheck!.end_time.getTime() / 1000 <= checked.build.start_time + 1);
    assert.match(await ok('resource-versions', '-r', 'checks/typed'), /version:type-v1/);

    await ok('check-resource', '-r', 'checks/typed', '--shallow');
    assert.equal((await typeChecks()).length, 1);
  });
});
