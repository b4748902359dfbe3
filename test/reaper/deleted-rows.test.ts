// Container rows deleted by hand under a running build, and pods the database never knew: the
// reaper adopts or deletes every such pod and never leaks one; the build still finishes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createPool, type Pool } from '@jetbridge/db';
import { fly } from '../support/fly/index.ts';
import { startDistributed } from '../support/jetbridge.ts';
import { eventually, pipelineFile } from '../intercept/support.ts';
import { kubectlPods } from './chaos-scenario.ts';

const run = promisify(execFile);
const graceMs = 3_000;

const pipeline = `
jobs:
- name: hold
  plan:
  - task: wait
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run: {path: sh, args: [-c, "echo waiting; while [ ! -f /tmp/release ]; do sleep 0.1; done; echo released"]}
`;

describe('pods whose rows were deleted by hand', { timeout: 300_000 }, () => {
  let jb: Awaited<ReturnType<typeof startDistributed>>;
  let home: string;
  let pool: Pool;
  const ok = async (...args: string[]) => {
    const result = await fly(['-t', 'local', ...args], { home, timeoutMs: 60_000 });
    assert.equal(result.exitCode, 0, `fly ${args.join(' ')}\n${result.stdout}${result.stderr}`);
    return result;
  };
  // The task's own container; its image's check step has one of its own beside it.
  const rowsOf = async (buildId: number) =>
    (
      await pool.query<{ handle: string; state: string; pod_name: string }>(
        `SELECT handle, state, pod_name FROM containers WHERE build_id = $1 AND type = 'task'`,
        [buildId],
      )
    ).rows;
  const allRowsOf = async (buildId: number) =>
    (await pool.query('SELECT handle FROM containers WHERE build_id = $1', [buildId])).rows;
  const release = (buildId: number) =>
    ok('intercept', '-b', String(buildId), '-s', 'wait', '--', 'touch', '/tmp/release');
  const startHold = async () => {
    const trigger = await ok('trigger-job', '-j', 'p/hold');
    const name = /#(\d+)/.exec(trigger.stdout)![1]!;
    const { rows } = await pool.query<{ id: number }>(
      `SELECT b.id FROM builds b JOIN jobs j ON j.id = b.job_id WHERE j.name = 'hold' AND b.name = $1`,
      [name],
    );
    const id = rows[0]!.id;
    const [row] = await eventually(
      'the step container created',
      async () => {
        const found = await rowsOf(id);
        return found.length === 1 && found[0]!.state === 'created' ? found : undefined;
      },
      60_000,
    );
    return { id, name, row: row! };
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'jb-fly-home-'));
    jb = await startDistributed({ reaperGraceMs: graceMs });
    pool = createPool(jb.db.settings);
    await ok('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    await ok('set-pipeline', '-p', 'p', '-c', await pipelineFile('p', pipeline), '-n');
    await ok('unpause-pipeline', '-p', 'p');
  });

  after(async () => {
    await pool?.end();
    await jb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('adopts the pod of a running build, which still finishes, then deletes it after the grace', async () => {
    const build = await startHold();
    await pool.query('DELETE FROM containers WHERE build_id = $1', [build.id]);

    const adopted = await eventually(
      'the pod adopted back into the containers table',
      async () => {
        const rows = await rowsOf(build.id);
        return rows.length === 1 ? rows[0] : undefined;
      },
      30_000,
    );
    assert.equal(adopted.handle, build.row.handle);
    assert.equal(adopted.pod_name, build.row.pod_name);

    await release(build.id);
    const watch = await ok('watch', '-j', 'p/hold', '-b', build.name);
    assert.match(watch.stdout, /released/);
    assert.match(watch.stdout, /succeeded/);

    await eventually(
      'the pod deleted after the grace period',
      async () => ((await kubectlPods(jb)).length === 0 ? true : undefined),
      graceMs + 30_000,
    );
    // The sweep that finds the pods gone drops their rows: the one after the deletion.
    await eventually(
      'every container row of the build dropped',
      async () => ((await allRowsOf(build.id)).length === 0 ? true : undefined),
      30_000,
    );
  });

  it('deletes the pod of a finished build whose rows are gone once the grace is over', async () => {
    const build = await startHold();
    await release(build.id);
    await ok('watch', '-j', 'p/hold', '-b', build.name);
    await pool.query('DELETE FROM containers WHERE build_id = $1', [build.id]);

    await eventually(
      'the pod deleted after the grace period',
      async () => ((await kubectlPods(jb)).length === 0 ? true : undefined),
      graceMs + 30_000,
    );
    // The sweep that finds the pods gone drops their rows: the one after the deletion.
    await eventually(
      'every container row of the build dropped',
      async () => ((await allRowsOf(build.id)).length === 0 ? true : undefined),
      30_000,
    );
  });

  it('deletes a labelled pod of a build the database does not know, once older than the grace', async () => {
    const manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'stray-step',
        namespace: jb.namespace,
        labels: {
          'concourse.ci/worker': `k8s-${jb.namespace}`,
          'concourse.ci/build': '987654',
          'concourse.ci/handle': 'ffffffffffffffffffffffffffffffff',
        },
      },
      spec: { containers: [{ name: 'main', image: 'busybox', command: ['sleep', '86400'] }] },
    };
    const child = execFile('kubectl', ['--kubeconfig', jb.kubeconfig, 'create', '-f', '-']);
    child.stdin!.end(JSON.stringify(manifest));
    await new Promise((resolve, reject) =>
      child.on('exit', (code) =>
        code === 0 ? resolve(code) : reject(new Error(`kubectl create exited ${code}`)),
      ),
    );
    assert.deepEqual(await kubectlPods(jb), ['pod/stray-step']);

    await run(
      'kubectl',
      [
        '--kubeconfig',
        jb.kubeconfig,
        'wait',
        '--for=delete',
        'pod/stray-step',
        '-n',
        jb.namespace,
        `--timeout=${Math.ceil(graceMs / 1000) + 30}s`,
      ],
      { timeout: 60_000 },
    );
    assert.deepEqual(await kubectlPods(jb), []);
  });
});
