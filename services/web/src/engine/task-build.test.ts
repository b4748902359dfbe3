import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EngineHarness, taskPlan } from './testing/engine-harness.ts';
import { FakeExecutor } from './testing/fake-executor.ts';

describe('a one-step task build', () => {
  let h: EngineHarness;
  let executor: FakeExecutor;

  before(async () => {
    h = await EngineHarness.create();
    executor = new FakeExecutor(h.bus, (job) =>
      job.metadata.stepName === 'broken'
        ? { output: [{ stream: 'stderr', data: 'boom\n' }], exitStatus: 1 }
        : {
            output: [
              { stream: 'stdout', data: 'hello\n' },
              { stream: 'stderr', data: 'warn\n' },
            ],
            exitStatus: 0,
          },
    ).start();
    h.startEngine();
  });

  after(async () => {
    await executor.stop();
    await h.close();
  });

  it('emits initialize, start, log and finish-task events and ends succeeded', async () => {
    const buildId = await h.createBuild(taskPlan('t1', 'hello'));
    assert.equal(await h.waitForFinish(buildId), 'succeeded');

    const events = await h.events(buildId);
    assert.deepEqual(
      events.map((e) => `${e.type}@${e.version}`),
      [
        'status@1.0',
        'initialize-task@4.0',
        'selected-worker@1.0',
        'start-task@5.0',
        'log@5.1',
        'log@5.1',
        'finish-task@4.0',
        'status@1.0',
      ],
    );
    assert.deepEqual(
      events.map((e) => e.eventId),
      events.map((_, i) => i),
    );
    assert.equal(events[0]!.data.status, 'started');
    assert.equal(events.at(-1)!.data.status, 'succeeded');
    const init = events[1]!.data as { origin: unknown; config: Record<string, unknown> };
    assert.deepEqual(init.origin, { id: 't1' });
    assert.deepEqual(init.config, {
      platform: 'linux',
      image: 'busybox:latest',
      run: { path: 'sh', args: ['-c', 'echo hello'], dir: '' },
      inputs: [],
    });
    assert.deepEqual(events[2]!.data.selected_worker, 'k8s-test');
    assert.deepEqual(events[4]!.data.origin, { id: 't1', source: 'stdout' });
    assert.equal(events[4]!.data.payload, 'hello\n');
    assert.deepEqual(events[5]!.data.origin, { id: 't1', source: 'stderr' });
    assert.equal(events[6]!.data.exit_status, 0);
  });

  it('publishes a step job with the handle, pod name, image and command of the task', async () => {
    const buildId = await h.createBuild(
      taskPlan('t2', 'params', { params: { COUNT: 3, NAME: 'x' } } as Record<string, unknown>),
    );
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    const job = executor.jobs.find((j) => j.buildId === buildId)!;
    assert.match(job.handle, /^[0-9a-f]{32}$/);
    assert.match(job.podName, /^oneoff-b\d+-task-[0-9a-f]{8}$/);
    assert.equal(job.image.ref, 'busybox:latest');
    assert.deepEqual(job.run.args, ['-c', 'echo params']);
    assert.equal(job.run.env.COUNT, '3');
    assert.equal(job.run.env.ATC_EXTERNAL_URL, 'http://jetbridge.test');
    assert.equal(job.captureStdout, false);

    const container = await h.pool.query(
      'SELECT state, finished_at FROM containers WHERE handle = $1',
      [job.handle],
    );
    assert.equal(container.rows[0].state, 'created');
    assert.notEqual(container.rows[0].finished_at, null);
  });

  it('ends failed when the task exits non-zero', async () => {
    const buildId = await h.createBuild(taskPlan('t3', 'broken'));
    assert.equal(await h.waitForFinish(buildId), 'failed');
    const events = await h.events(buildId);
    const finish = events.find((e) => e.type === 'finish-task')!;
    assert.equal(finish.data.exit_status, 1);
    assert.equal(events.at(-1)!.type, 'status');
    assert.equal(events.at(-1)!.data.status, 'failed');
    assert.equal(await h.logText(buildId, 't3'), 'boom\n');
  });

  it('ends errored when the step cannot run', async () => {
    const buildId = await h.createBuild({
      id: 't4',
      task: { name: 'no-config', privileged: false },
    } as never);
    assert.equal(await h.waitForFinish(buildId), 'errored');
    const events = await h.events(buildId);
    const error = events.find((e) => e.type === 'error')!;
    assert.equal(error.version, '4.1');
    assert.match(error.data.message as string, /task config or file must be specified/);
  });
});
