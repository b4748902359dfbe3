// The build log is text made from a step's bytes: characters cut between output chunks, batches or
// replicas must come out whole, and bytes that are not UTF-8 still reach the log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StepEvent, StepJob } from '@jetbridge/bus';
import { incompleteUtf8Tail } from './events/store-output.ts';
import { EngineHarness, taskPlan } from './testing/engine-harness.ts';
import { FakeExecutor } from './testing/fake-executor.ts';

describe('incomplete UTF-8 at the end of a chunk', () => {
  it('counts the bytes of a character still waiting for the rest of it', () => {
    const tail = (...bytes: number[]) => incompleteUtf8Tail(Uint8Array.from(bytes));
    assert.equal(tail(), 0);
    assert.equal(tail(0x61), 0);
    assert.equal(tail(0x61, 0xc3), 1);
    assert.equal(tail(0xc3, 0xa9), 0);
    assert.equal(tail(0xe2, 0x82), 2);
    assert.equal(tail(0xe2, 0x82, 0xac), 0);
    assert.equal(tail(0xf0, 0x9f, 0x98), 3);
    assert.equal(tail(0xf0, 0x9f, 0x98, 0x80), 0);
    // Nothing can complete these: invalid leads, stray continuation bytes.
    assert.equal(tail(0xff), 0);
    assert.equal(tail(0xc0), 0);
    assert.equal(tail(0x80, 0x80, 0x80, 0x80), 0);
    assert.equal(tail(0x61, 0x80), 0);
  });
});

describe('a character cut between the replicas storing a build', () => {
  it('is completed by the replica that takes over', async () => {
    const h = await EngineHarness.create();
    const executor = new FakeExecutor(h.bus, () => ({ hold: true })).start();
    try {
      const engineA = h.startEngine({ replicaId: 'web-a' });
      const buildId = await h.createBuild(taskPlan('t1', 'cut'));
      await executor.until(() => executor.jobNamed('cut') !== undefined, 'job');
      const job = executor.jobNamed('cut')!;
      await executor.output(job, 'stdout', Buffer.from([0x68, 0xe2, 0x82]), 0);
      await h.waitFor(async () => ((await h.logText(buildId)) === 'h' ? true : null), 'h stored');
      await engineA.stop();
      await h.pool.query(
        `UPDATE builds SET owner = 'web-dead', lease_until = now() - interval '1 second'
         WHERE id = $1`,
        [buildId],
      );
      // The executor re-attached after the takeover replays from the start.
      await executor.output(job, 'stdout', Buffer.from([0x68, 0xe2, 0x82, 0xac, 0x0a]), 0);
      await executor.finish(job, 0);
      h.startEngine({ replicaId: 'web-b' });
      assert.equal(await h.waitForFinish(buildId), 'succeeded');
      assert.equal(await h.logText(buildId), 'h\u20ac\n');
    } finally {
      await executor.stop();
      await h.close();
    }
  });
});

describe('the build log of a step writing bytes', () => {
  let h: EngineHarness;
  let executor: FakeExecutor;

  before(async () => {
    h = await EngineHarness.create();
    executor = new FakeExecutor(h.bus, () => ({ hold: true })).start();
    h.startEngine();
  });
  after(async () => {
    await executor.stop();
    await h.close();
  });

  async function running(name: string): Promise<{ buildId: number; job: StepJob }> {
    const buildId = await h.createBuild(taskPlan('t1', name));
    await executor.until(() => executor.jobNamed(name) !== undefined, `job ${name}`);
    await h.waitFor(
      async () => ((await h.events(buildId)).some((e) => e.type === 'start-task') ? true : null),
      'start-task stored',
    );
    return { buildId, job: executor.jobNamed(name)! };
  }

  const output = (job: StepJob, offset: number, bytes: number[]): StepEvent => ({
    v: 1,
    kind: 'output',
    buildId: job.buildId,
    planId: job.planId,
    handle: job.handle,
    at: Date.now(),
    stream: 'stdout',
    offset,
    data: Buffer.from(bytes),
  });

  it('keeps a character whole when its bytes arrive in two chunks stored apart', async () => {
    const { buildId, job } = await running('split');
    await h.bus.publishStepEvent(output(job, 0, [0x68, 0xc3]));
    await h.waitFor(async () => ((await h.logText(buildId)) === 'h' ? true : null), 'h stored');
    await h.bus.publishStepEvent(output(job, 2, [0xa9, 0x0a]));
    await executor.finish(job, 0);
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    assert.equal(await h.logText(buildId), 'h\u00e9\n');
  });

  it('keeps every character of a long non-ASCII line cut into 256 KiB output events', async () => {
    const { buildId, job } = await running('long-line');
    const line = `a${'\u00e9'.repeat(200_000)}\u20ac\u{1f600}\n`;
    // Cut by bytes as the pod-executor cuts output events, whatever falls on the boundary.
    const bytes = Buffer.from(line);
    for (let at = 0; at < bytes.length; at += 256 * 1024)
      await h.bus.publishStepEvent(output(job, at, [...bytes.subarray(at, at + 256 * 1024)]));
    await executor.finish(job, 0);
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    assert.equal(await h.logText(buildId), line);
  });

  it('gives up the first bytes of a character the process never finished when it exits', async () => {
    const { buildId, job } = await running('unfinished');
    await h.bus.publishStepEvent(output(job, 0, [0x6f, 0x6b, 0xe2, 0x82]));
    await executor.finish(job, 0);
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    assert.equal(await h.logText(buildId), Buffer.from([0x6f, 0x6b, 0xe2, 0x82]).toString('utf8'));
  });

  it('stores NUL, CR, control bytes and invalid UTF-8 as UTF-8 decoding gives them', async () => {
    const { buildId, job } = await running('binary');
    const bytes = [0, 1, 13, 10, 0x7f, 0x80, 0xff, 0xed, 0xa0, 0x80, 0x0a];
    await h.bus.publishStepEvent(output(job, 0, bytes));
    await executor.finish(job, 0);
    assert.equal(await h.waitForFinish(buildId), 'succeeded');
    assert.equal(await h.logText(buildId), Buffer.from(bytes).toString('utf8'));
  });
});
