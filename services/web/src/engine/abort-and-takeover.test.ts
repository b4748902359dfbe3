import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { channels } from '@jetbridge/db';
import type { Plan } from '@jetbridge/pipeline';
import { EngineHarness, taskPlan } from './testing/engine-harness.ts';
import { FakeExecutor } from './testing/fake-executor.ts';

const t = (id: string) => taskPlan(id, id);

describe('aborting a build', () => {
  let h: EngineHarness;
  let executor: FakeExecutor;

  before(async () => {
    h = await EngineHarness.create();
    executor = new FakeExecutor(h.bus, (job) =>
      job.metadata.stepName.startsWith('hold') ? { hold: true } : { exitStatus: 0 },
    ).start();
    h.startEngine();
  });

  after(async () => {
    await executor.stop();
    await h.close();
  });

  it('stops the running step, runs only on_abort and ensure, and ends aborted', async () => {
    const work: Plan = { id: 'work', do: [t('hold-long'), t('next')] };
    const withSuccess: Plan = {
      id: 's',
      on_success: { step: work, on_success: t('success-hook') },
    };
    const withAbort: Plan = { id: 'a', on_abort: { step: withSuccess, on_abort: t('abort-hook') } };
    const plan: Plan = { id: 'e', ensure: { step: withAbort, ensure: t('ensure-hook') } };
    const buildId = await h.createBuild(plan);
    const mine = () => executor.jobs.filter((j) => j.buildId === buildId);
    await executor.until(() => mine().length === 1, 'the long step');

    await h.pool.query('UPDATE builds SET aborted = true WHERE id = $1', [buildId]);
    await h.wakeups.notify(channels.builds, String(buildId));

    assert.equal(await h.waitForFinish(buildId), 'aborted');
    assert.deepEqual(
      mine().map((j) => j.metadata.stepName),
      ['hold-long', 'abort-hook', 'ensure-hook'],
    );
    const long = mine()[0]!;
    assert.ok(
      executor.aborts.some(
        (a) => a.buildId === buildId && a.handle === long.handle && a.reason === 'aborted',
      ),
    );
    assert.equal(mine()[1]!.run.env.BUILD_STATUS, 'aborted');
    assert.equal(mine()[2]!.run.env.BUILD_STATUS, 'aborted');
    const events = await h.events(buildId);
    assert.deepEqual(events.at(-1)!.data.status, 'aborted');
    assert.equal(events.filter((e) => e.type === 'status').length, 2);
  });

  it('ends a build aborted before it ran without starting any step', async () => {
    const buildId = await h.createBuild(t('never-runs'));
    await h.pool.query('UPDATE builds SET aborted = true WHERE id = $1', [buildId]);
    await h.wakeups.notify(channels.builds, String(buildId));
    assert.equal(await h.waitForFinish(buildId), 'aborted');
  });
});

describe('taking over a build whose owner died', () => {
  let h: EngineHarness;
  let executor: FakeExecutor;

  before(async () => {
    h = await EngineHarness.create();
    executor = new FakeExecutor(h.bus, (job) =>
      job.metadata.stepName === 'second'
        ? { output: [{ stream: 'stdout', data: 'part1\n' }], hold: true }
        : { output: [{ stream: 'stdout', data: `${job.metadata.stepName}\n` }], exitStatus: 0 },
    ).start();
  });

  after(async () => {
    await executor.stop();
    await h.close();
  });

  it('continues without re-running finished steps or duplicating log bytes', async () => {
    const engineA = h.startEngine({ replicaId: 'web-a' });
    const plan: Plan = { id: 'seq', do: [t('first'), t('second'), t('third')] };
    const buildId = await h.createBuild(plan);
    await h.waitFor(
      async () => ((await h.logText(buildId, 'second')) === 'part1\n' ? true : null),
      'first output',
    );
    await engineA.stop();

    // The owner is gone without releasing: its lease is simply out of date.
    await h.pool.query(
      `UPDATE builds SET owner = 'web-dead', lease_until = now() - interval '1 second' WHERE id = $1`,
      [buildId],
    );
    // A re-attached executor replays the stream from the start, then reports the exit.
    const second = executor.jobNamed('second')!;
    await executor.output(second, 'stdout', 'part1\npart2\n', 0);
    await executor.finish(second, 0);

    h.startEngine({ replicaId: 'web-b' });
    assert.equal(await h.waitForFinish(buildId), 'succeeded');

    const names = executor.jobs
      .filter((j) => j.buildId === buildId)
      .map((j) => j.metadata.stepName);
    assert.deepEqual(names, ['first', 'second', 'third']);
    assert.equal(await h.logText(buildId, 'first'), 'first\n');
    assert.equal(await h.logText(buildId, 'second'), 'part1\npart2\n');
    const events = await h.events(buildId);
    assert.deepEqual(
      events.map((e) => e.eventId),
      events.map((_, i) => i),
    );
    assert.equal(events.filter((e) => e.type === 'finish-task').length, 3);
    assert.equal(events.filter((e) => e.type === 'start-task').length, 3);
    assert.equal(events.at(-1)!.type, 'status');
    assert.equal(events.at(-1)!.data.status, 'succeeded');
  });

  it('logs a warning when output bytes were lost and still finishes from the exit status', async () => {
    h.startEngine({ replicaId: 'web-c' });
    const buildId = await h.createBuild(t('second'));
    await h.waitFor(
      async () => ((await h.logText(buildId)) === 'part1\n' ? true : null),
      'first output',
    );
    const job = executor.jobs.find((j) => j.buildId === buildId)!;
    await executor.output(job, 'stdout', 'tail\n', 100);
    await executor.finish(job, 0);
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    assert.equal(await h.logText(buildId), 'part1\nwarning: log stream interrupted\ntail\n');
  });

  it('stops driving a build whose lease another replica took', async () => {
    h.startEngine({ replicaId: 'web-d', buildLeaseMs: 600 });
    const buildId = await h.createBuild(t('second'));
    await h.waitFor(async () => ((await h.logText(buildId)) === 'part1\n' ? true : null), 'output');
    const job = executor.jobs.find((j) => j.buildId === buildId)!;

    await h.pool.query(
      `UPDATE builds SET owner = 'web-thief', lease_until = now() + interval '1 hour' WHERE id = $1`,
      [buildId],
    );
    await h.wakeups.notify(channels.builds, String(buildId));
    await executor.finish(job, 0);
    // The old owner may not apply the exit: give it a bounded chance to (wrongly) finish the build.
    await h
      .waitFor(
        async () => ((await h.status(buildId)) !== 'started' ? true : null),
        'no finish',
        300,
      )
      .catch(() => null);
    assert.equal(await h.status(buildId), 'started');

    await h.pool.query(
      `UPDATE builds SET lease_until = now() - interval '1 second' WHERE id = $1`,
      [buildId],
    );
    await h.wakeups.notify(channels.builds, String(buildId));
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    const events = await h.events(buildId);
    assert.equal(events.filter((e) => e.type === 'finish-task').length, 1);
    assert.deepEqual(
      events.map((e) => e.eventId),
      events.map((_, i) => i),
    );
  });
});
