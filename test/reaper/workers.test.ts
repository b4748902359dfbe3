// The worker row `k8s-<namespace>` as fly sees it: listed running with its containers, the step
// pods in `fly containers`, Concourse's answers to land, retire and prune, and `stalled` once the
// reaper is gone; a landed or pruned row comes back running when the reaper registers it again.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fly } from '../support/fly/index.ts';
import { startDistributed } from '../support/jetbridge.ts';
import { eventually, flyAuthorization, pipelineFile } from '../intercept/support.ts';

const pipeline = `
jobs:
- name: hold
  plan:
  - task: wait
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run: {path: sh, args: [-c, "while [ ! -f /tmp/release ]; do sleep 0.1; done"]}
`;

describe('the worker row', { timeout: 300_000 }, () => {
  let jb: Awaited<ReturnType<typeof startDistributed>>;
  let home: string;
  let worker: string;
  const f = (...args: string[]) => fly(['-t', 'local', ...args], { home, timeoutMs: 60_000 });
  const ok = async (...args: string[]) => {
    const result = await f(...args);
    assert.equal(result.exitCode, 0, `fly ${args.join(' ')}\n${result.stdout}${result.stderr}`);
    return result;
  };
  const workerLine = async () => {
    const listed = await ok('workers');
    return listed.stdout.split('\n').find((line) => line.startsWith(`${worker} `));
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startDistributed();
    worker = `k8s-${jb.namespace}`;
    await ok('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    await ok('set-pipeline', '-p', 'p', '-c', await pipelineFile('p', pipeline), '-n');
    await ok('unpause-pipeline', '-p', 'p');
  });

  after(async () => {
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('lists the running worker and the step pods as containers with build, step and type', async () => {
    await ok('trigger-job', '-j', 'p/hold');
    // The task's pod; the image check of the same build is listed too, and comes first.
    const row = await eventually(
      'the task pod is listed as a container',
      async () =>
        (await ok('containers')).stdout
          .split('\n')
          .find((l) => /\s+hold\s+.*\s+task\s+wait\s/.test(l)),
      60_000,
    );
    const line = await eventually(
      'the worker counts the step pods',
      async () => {
        const found = await workerLine();
        return found && /^\S+\s+[1-9]\d*\s/.test(found) ? found : undefined;
      },
      60_000,
    );
    assert.match(
      line,
      new RegExp(`^${worker}\\s+\\d+\\s+linux\\s+none\\s+none\\s+running\\s+3\\.0\\s+\\S+`),
    );
    assert.match(
      row,
      new RegExp(`^[0-9a-f]{32}\\s+${worker}\\s+p\\s+hold\\s+1\\s+\\d+\\s+task\\s+wait\\s+n/a$`),
    );

    const handle = row.split(/\s+/)[0]!;
    await ok('intercept', '--handle', handle, '--', 'touch', '/tmp/release');
    await ok('watch', '-j', 'p/hold', '-b', '1');
  });

  it('lands and retires the worker as Concourse does, and the reaper registers it again', async () => {
    const prune = await f('prune-worker', '-w', worker);
    assert.equal(prune.exitCode, 1);
    assert.equal(prune.stderr, 'error: cannot prune running worker\n');

    const reaper = jb.processes.get('reaper')!;
    const land = await ok('land-worker', '-w', worker);
    assert.equal(land.stdout, `landing '${worker}'\n`);
    // The reaper has no process to drain: its next heartbeat registers the row as running.
    await reaper.waitFor(/"previous_state":"landing".*worker-registered-again/, 30_000);
    assert.match((await workerLine()) ?? '', /\srunning\s/);

    const token = await flyAuthorization(home, 'local');
    const retire = await fetch(`${jb.url}/api/v1/workers/${worker}/retire`, {
      method: 'PUT',
      headers: { Authorization: token },
    });
    assert.equal(retire.status, 200);
    await reaper.waitFor(/"previous_state":"retiring".*worker-registered-again/, 30_000);
    assert.match((await workerLine()) ?? '', /\srunning\s/);

    const unknown = await f('prune-worker', '-w', 'no-such-worker');
    assert.equal(unknown.exitCode, 1);
    assert.equal(unknown.stderr, 'error: resource not found\n');
    const unknownLand = await f('land-worker', '-w', 'no-such-worker');
    assert.equal(unknownLand.exitCode, 1);
    const anonymous = await fetch(`${jb.url}/api/v1/workers/${worker}/land`, { method: 'PUT' });
    assert.equal(anonymous.status, 401);
  });

  it('shows the worker stalled once the reaper is gone, prunes it, and the next reaper brings it back', async () => {
    const reaper = jb.processes.get('reaper')!;
    reaper.child.kill('SIGKILL');
    await reaper.exited;

    const stalled = await eventually(
      'the worker shown stalled after its 30 s TTL',
      async () => {
        const found = await workerLine();
        return found && /\sstalled\s/.test(found) ? found : undefined;
      },
      60_000,
      1_000,
    );
    assert.match(stalled, /linux\s+none\s+none\s+stalled/);

    const pruned = await ok('prune-worker', '-w', worker);
    assert.equal(pruned.stdout, `pruned '${worker}'\n`);
    assert.equal(await workerLine(), undefined);

    const next = jb.spawn('reaper-2', ['reaper', '--gc-interval', '1s']);
    await next.waitFor(/reaper-started/, 60_000);
    const back = await eventually('the worker registered again', workerLine, 30_000);
    assert.match(back, /\srunning\s/);
  });
});
