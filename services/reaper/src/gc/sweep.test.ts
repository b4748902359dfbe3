import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { silentLogger } from '@jetbridge/telemetry';
import { startReaper, type Reaper } from '../index.ts';
import {
  containerHandles,
  createBuild,
  createStepPod,
  insertContainer,
  livePodNames,
  namespace,
  startHarness,
  type Harness,
} from '../reaper.test-helper.ts';

describe('garbage collection of step pods', () => {
  let h: Harness;
  let reaper: Reaper;

  before(async () => {
    h = await startHarness();
    reaper = await startReaper({
      settings: h.settings({ interceptGraceMs: 60_000, missingGraceMs: 60_000 }),
      pool: h.pool,
      logger: silentLogger(),
      registry: new Registry(),
    });
  });

  after(async () => {
    await reaper.stop();
    await h.close();
  });

  beforeEach(async () => {
    for (const name of await livePodNames(h)) await h.kube.deleteNamespacedPod({ name, namespace });
    await h.pool.query('DELETE FROM containers');
  });

  it("deletes a finished build's pod after the intercept grace and not before", async () => {
    const recent = await createBuild(h, 'succeeded', 1_000);
    const old = await createBuild(h, 'failed', 120_000);
    await insertContainer(h, recent, 'recent');
    await insertContainer(h, old, 'old');
    await createStepPod(h, recent, 'recent');
    await createStepPod(h, old, 'old');

    const report = await reaper.sweepOnce();
    assert.equal(report.deleted, 1);
    assert.deepEqual(await livePodNames(h), ['step-recent']);
    assert.deepEqual(await containerHandles(h), ['recent']);
  });

  it('never deletes the pod of a running build, even with no row and an old pod', async () => {
    const build = await createBuild(h, 'started');
    await insertContainer(h, build, 'running');
    await createStepPod(h, build, 'running');
    await reaper.sweepOnce();
    await reaper.sweepOnce();
    assert.deepEqual(await livePodNames(h), ['step-running']);
  });

  it('deletes pods marked destroying with their rows', async () => {
    const build = await createBuild(h, 'succeeded', 10);
    await insertContainer(h, build, 'doomed', 'destroying');
    await createStepPod(h, build, 'doomed');
    const report = await reaper.sweepOnce();
    assert.equal(report.deleted, 1);
    assert.deepEqual(await livePodNames(h), []);
    assert.deepEqual(await containerHandles(h), []);
  });

  it('adopts a pod without a row when its build is running', async () => {
    const build = await createBuild(h, 'started');
    await createStepPod(h, build, 'orphan');
    const report = await reaper.sweepOnce();
    assert.equal(report.adopted, 1);
    const { rows } = await h.pool.query(
      'SELECT build_id, pod_name, step_name, plan_id, attempt, type, worker_name FROM containers',
    );
    assert.deepEqual(rows, [
      {
        build_id: build,
        pod_name: 'step-orphan',
        step_name: 'unit',
        plan_id: 'plan-1',
        attempt: '1',
        type: 'task',
        worker_name: 'k8s-reaper-test',
      },
    ]);
    assert.deepEqual(await livePodNames(h), ['step-orphan']);
  });

  it('deletes a pod without a row when its build finished long ago, keeping a young pod of an unknown build', async () => {
    const finished = await createBuild(h, 'errored', 120_000);
    await createStepPod(h, finished, 'finished');
    await createStepPod(h, 999_999, 'unknown-build');
    const report = await reaper.sweepOnce();
    assert.equal(
      report.deleted,
      1,
      'the unknown build pod is kept until it is older than the grace',
    );
    assert.deepEqual(await livePodNames(h), ['step-unknown-build']);
  });

  it('adopts the pods of a running build whose rows were deleted by hand, never leaking them', async () => {
    const build = await createBuild(h, 'started');
    for (const handle of ['a', 'b', 'c']) {
      await insertContainer(h, build, handle);
      await createStepPod(h, build, handle);
    }
    await h.pool.query('DELETE FROM containers');
    const report = await reaper.sweepOnce();
    assert.equal(report.adopted, 3);
    assert.deepEqual(await containerHandles(h), ['a', 'b', 'c']);

    await h.pool.query(
      `UPDATE builds SET status = 'succeeded', end_time = now() - interval '2 minutes' WHERE id = $1`,
      [build],
    );
    await h.pool.query('DELETE FROM containers');
    const cleanup = await reaper.sweepOnce();
    assert.equal(cleanup.deleted, 3);
    assert.deepEqual(await livePodNames(h), []);
  });

  it('marks rows whose pod is gone as missing and removes them after the grace', async () => {
    const build = await createBuild(h, 'started');
    await insertContainer(h, build, 'ghost');
    const first = await reaper.sweepOnce();
    assert.equal(first.markedMissing, 1);
    const { rows } = await h.pool.query(
      'SELECT missing_since IS NOT NULL AS missing FROM containers',
    );
    assert.deepEqual(rows, [{ missing: true }]);

    await h.pool.query(`UPDATE containers SET missing_since = now() - interval '2 minutes'`);
    const second = await reaper.sweepOnce();
    assert.equal(second.removedRows, 1);
    assert.deepEqual(await containerHandles(h), []);
  });

  it('clears missing_since when the pod shows up again', async () => {
    const build = await createBuild(h, 'started');
    await insertContainer(h, build, 'late');
    await reaper.sweepOnce();
    await createStepPod(h, build, 'late');
    await reaper.sweepOnce();
    const { rows } = await h.pool.query('SELECT missing_since FROM containers');
    assert.deepEqual(rows, [{ missing_since: null }]);
  });

  it('lists pods once per sweep however many pods there are', async () => {
    const build = await createBuild(h, 'started');
    for (let i = 0; i < 5; i += 1) {
      await insertContainer(h, build, `many-${i}`);
      await createStepPod(h, build, `many-${i}`);
    }
    const report = await reaper.sweepOnce();
    assert.equal(report.listed, 5);
    assert.equal(report.apiCalls, 1);
    assert.equal(report.queries, 2);
  });

  it('deletes the pods of finished builds in one call however many there are', async () => {
    const done = await createBuild(h, 'succeeded', 120_000);
    for (let i = 0; i < 12; i += 1) {
      await insertContainer(h, done, `done-${i}`);
      await createStepPod(h, done, `done-${i}`);
    }
    const report = await reaper.sweepOnce();
    assert.equal(report.deleted, 12);
    assert.equal(report.apiCalls, 2, 'one list and one delete-collection');
    assert.deepEqual(await livePodNames(h), []);
    assert.deepEqual(await containerHandles(h), []);
  });
});
