// build_log_retention, as a user sees it through fly and the API: the builds of a job beyond its
// retention lose their logs (fly watch shows nothing, the build has a reap_time) and keep their
// rows (fly builds still lists them with their status); the newest builds keep everything.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadTargets } from '../support/fly/protocol/flyrc.ts';
import { startDistributed, type RunningJetBridge } from '../support/jetbridge.ts';
import { flyAs, type FlyAs } from './fly-session.ts';

const pipeline = `
jobs:
- name: retained
  build_log_retention: {builds: 2}
  plan:
  - task: say
    config:
      platform: linux
      image_resource: {type: mock, source: {mirror_self: true}}
      run: {path: echo, args: [retained output]}
`;

interface Build {
  id: number;
  name: string;
  status: string;
  reap_time?: number;
}

describe('build log retention', { timeout: 600_000 }, () => {
  let jb: RunningJetBridge;
  let home: string;
  let f: FlyAs;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startDistributed();
    f = flyAs(home);
    const login = await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    assert.equal(login.exitCode, 0, `${login.stdout}${login.stderr}\n${jb.logs()}`);
    const file = join(home, 'retention.yml');
    await writeFile(file, pipeline);
    assert.equal((await f('set-pipeline', '-p', 'retention', '-c', file, '-n')).exitCode, 0);
    assert.equal((await f('unpause-pipeline', '-p', 'retention')).exitCode, 0);
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

  async function jobBuild(name: string): Promise<Build> {
    const token = (await loadTargets(home)).local!.token!.value;
    const res = await fetch(
      `${jb.url}/api/v1/teams/main/pipelines/retention/jobs/retained/builds/${name}`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    assert.equal(res.status, 200);
    return (await res.json()) as Build;
  }

  it('drops the logs of builds beyond the retention and keeps the builds', async () => {
    for (let i = 0; i < 3; i++) {
      assert.match(await ok('trigger-job', '-j', 'retention/retained', '-w'), /retained output/);
    }

    // Reaping runs in the background after a build finished: wait for it, bounded.
    const deadline = Date.now() + 90_000;
    while ((await jobBuild('1')).reap_time === undefined) {
      if (Date.now() > deadline) assert.fail(`build 1 was never reaped\n${jb.logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const reaped = await ok('watch', '-j', 'retention/retained', '-b', '1');
    assert.doesNotMatch(reaped, /retained output/);
    for (const name of ['2', '3']) {
      assert.match(await ok('watch', '-j', 'retention/retained', '-b', name), /retained output/);
      assert.equal((await jobBuild(name)).reap_time, undefined);
    }
    const listed = await ok('builds', '-j', 'retention/retained');
    for (const name of ['1', '2', '3']) {
      assert.match(listed, new RegExp(`retention/retained/${name}\\s+succeeded`));
    }
    assert.equal((await jobBuild('1')).status, 'succeeded');
  });
});
