import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EngineHarness, taskPlan } from './testing/engine-harness.ts';
import { FakeExecutor, fakeDigest } from './testing/fake-executor.ts';

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
        'image-get@1.1',
        'initialize-get@2.0',
        'start-get@1.0',
        'finish-get@5.1',
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
      image: '',
      run: { path: 'sh', args: ['-c', 'echo hello'], dir: '' },
      inputs: [],
    });
    const digest = fakeDigest('busybox');
    assert.deepEqual(events[2]!.data.origin, { id: 't1' });
    assert.deepEqual(events[2]!.data.plan, {
      id: 't1/image-get',
      get: { name: 'image', type: 'registry-image', version: { digest } },
    });
    assert.deepEqual(events[3]!.data.origin, { id: 't1/image-get' });
    assert.deepEqual(events[5]!.data.version, { digest });
    assert.equal(events[5]!.data.exit_status, 0);
    assert.deepEqual(events[6]!.data.selected_worker, 'k8s-test');
    assert.deepEqual(events[8]!.data.origin, { id: 't1', source: 'stdout' });
    assert.equal(events[8]!.data.payload, 'hello\n');
    assert.deepEqual(events[9]!.data.origin, { id: 't1', source: 'stderr' });
    assert.equal(events[10]!.data.exit_status, 0);
  });

  it('checks and gets an image_resource as sub-steps, then runs on the digest it found', async () => {
    const plan = taskPlan('t5', 'checked');
    delete (plan.task!.config!.image_resource as { version?: unknown }).version;
    const buildId = await h.createBuild(plan);
    assert.equal(await h.waitForFinish(buildId), 'succeeded');

    const events = await h.events(buildId);
    const at = (id: string) =>
      events
        .filter((e) => (e.data.origin as { id?: string } | undefined)?.id === id)
        .map((e) => e.type);
    assert.deepEqual(at('t5'), [
      'initialize-task',
      'image-check',
      'image-get',
      'selected-worker',
      'start-task',
      'log',
      'log',
      'finish-task',
    ]);
    assert.deepEqual(at('t5/image-check'), [
      'initialize-check',
      'selected-worker',
      'start',
      'finish',
    ]);
    assert.deepEqual(at('t5/image-get'), ['initialize-get', 'start-get', 'finish-get']);
    const types = events.map((e) => e.type);
    assert.ok(types.indexOf('finish') < types.indexOf('initialize-get'));
    assert.ok(types.indexOf('finish-get') < types.indexOf('start-task'));

    const check = events.find((e) => e.type === 'image-check')!;
    assert.deepEqual(check.data.plan, {
      id: 't5/image-check',
      check: { name: 'image', type: 'registry-image' },
    });
    const initCheck = events.find((e) => e.type === 'initialize-check')!;
    assert.equal(initCheck.data.name, 'image');
    const finish = events.find((e) => e.type === 'finish')!;
    assert.equal(finish.data.succeeded, true);
    const version = { tag: 'latest', digest: fakeDigest('busybox') };
    assert.deepEqual(events.find((e) => e.type === 'finish-get')!.data.version, version);

    const jobs = executor.jobs.filter((j) => j.buildId === buildId);
    assert.deepEqual(
      jobs.map((j) => [j.type, j.metadata.stepName, j.image.ref]),
      [
        ['check', 'image', 'concourse/registry-image-resource'],
        ['task', 'checked', `busybox@${version.digest}`],
      ],
    );
    assert.equal(jobs[0]!.stdin, '{"source":{"repository":"busybox"}}');
    assert.match(jobs[0]!.podName, /^chk-image-[0-9a-f]{8}$/);
  });

  it('publishes a step job with the handle, pod name, image and command of the task', async () => {
    const buildId = await h.createBuild(
      taskPlan('t2', 'params', { params: { COUNT: 3, NAME: 'x' } } as Record<string, unknown>),
    );
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    const job = executor.jobs.find((j) => j.buildId === buildId)!;
    assert.match(job.handle, /^[0-9a-f]{32}$/);
    assert.match(job.podName, /^oneoff-b\d+-task-[0-9a-f]{8}$/);
    assert.equal(job.image.ref, `busybox@${fakeDigest('busybox')}`);
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
