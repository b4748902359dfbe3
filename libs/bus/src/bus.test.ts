import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Bus, InvalidMessageError, decodeStepEvent, encodeStepEvent } from './bus.ts';
import { MemoryTransport } from './memory-transport.ts';
import { NatsTransport } from './nats-transport.ts';
import type { StepEvent, StepJobInput } from './messages.ts';

const natsUrl = process.env.JETBRIDGE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

function job(handle: string): StepJobInput {
  return {
    v: 1,
    buildId: 1,
    planId: 'a1',
    handle,
    podName: 'p-j-b1-task-0123abcd',
    type: 'task',
    attempt: '1',
    metadata: {
      teamId: 1,
      team: 'main',
      pipelineId: 1,
      pipeline: 'p',
      instanceVars: null,
      jobId: 1,
      job: 'j',
      buildName: '1',
      stepName: 't',
      resource: null,
    },
    image: { ref: 'busybox' },
    privileged: false,
    run: { path: 'echo', args: ['hi'], env: {} },
    captureStdout: false,
    workingDir: '/tmp/build/x',
    inputs: [],
    outputs: [],
    caches: [],
    timeoutMs: null,
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms)),
  ]);
}

const handle = () => randomBytes(16).toString('hex');

const transports: [string, () => Promise<Bus>][] = [
  ['memory', async () => new Bus(new MemoryTransport())],
  [
    'nats',
    async () =>
      new Bus(
        await NatsTransport.connect({
          url: natsUrl,
          namespace: `t${randomBytes(4).toString('hex')}`,
        }),
      ),
  ],
];

for (const [name, makeBus] of transports) {
  describe(`bus over ${name}`, () => {
    const buses: Bus[] = [];
    after(async () => {
      for (const b of buses) await b.close();
    });

    it('delivers a step job and redelivers it when the handler fails', async () => {
      const bus = await makeBus();
      buses.push(bus);
      const seen: boolean[] = [];
      const done = new Promise<void>((resolve) => {
        const consumer = bus.consumeStepJobs({ maxInFlight: 2, ackWaitMs: 5000 }, async (_j, d) => {
          seen.push(d.redelivered);
          if (seen.length === 1) throw new Error('first attempt fails');
          resolve();
          void consumer;
        });
        buses.push({ close: () => consumer.stop() } as unknown as Bus);
      });
      await bus.publishStepJob(job(handle()));
      await withTimeout(done, 10_000);
      assert.deepEqual(seen, [false, true]);
    });

    it('drops a second publication of the same step job', async () => {
      const bus = await makeBus();
      buses.push(bus);
      const h = handle();
      await bus.publishStepJob(job(h));
      await bus.publishStepJob(job(h));
      const handles: string[] = [];
      let release!: () => void;
      const first = new Promise<void>((r) => (release = r));
      const consumer = bus.consumeStepJobs({ maxInFlight: 4 }, async (j) => {
        handles.push(j.handle);
        release();
      });
      await withTimeout(first, 10_000);
      await bus.publishStepJob(job(handle()));
      await withTimeout(
        (async () => {
          while (handles.length < 2) await new Promise((r) => setImmediate(r));
        })(),
        10_000,
      );
      await consumer.stop();
      assert.equal(handles.filter((x) => x === h).length, 1);
    });

    it('replays step events after a cursor, in order', async () => {
      const bus = await makeBus();
      buses.push(bus);
      const buildId = Math.floor(Math.random() * 1e9);
      const ev = (offset: number): StepEvent => ({
        v: 1,
        buildId,
        planId: 'a1',
        handle: 'h',
        at: Date.now(),
        kind: 'output',
        stream: 'stdout',
        offset,
        data: Buffer.from(String(offset)),
      });
      for (const o of [0, 1, 2]) await bus.publishStepEvent(ev(o));
      const firstPass: [number, number][] = [];
      await withTimeout(
        new Promise<void>((resolve) => {
          const sub = bus.followStepEvents(buildId, 0, async (e, cursor) => {
            if (e.kind === 'output') firstPass.push([e.offset, cursor]);
            if (firstPass.length === 3) void sub.stop().then(resolve);
          });
        }),
        10_000,
      );
      const secondCursor = firstPass[0]![1];
      const replayed: number[] = [];
      await withTimeout(
        new Promise<void>((resolve) => {
          const sub = bus.followStepEvents(buildId, secondCursor, async (e) => {
            if (e.kind === 'output') replayed.push(e.offset);
            if (replayed.length === 2) void sub.stop().then(resolve);
          });
        }),
        10_000,
      );
      assert.deepEqual(
        firstPass.map(([o]) => o),
        [0, 1, 2],
      );
      assert.deepEqual(replayed, [1, 2]);
    });

    it('carries output bytes exactly, every byte value and none at all', async () => {
      const bus = await makeBus();
      buses.push(bus);
      const buildId = Math.floor(Math.random() * 1e9);
      const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const chunks = [every, Buffer.alloc(0), Buffer.from('\r\n{"not":"json"}\u0000 ✓ 🐋')];
      let offset = 0;
      for (const data of chunks) {
        await bus.publishStepEvent({
          v: 1,
          buildId,
          planId: 'plän/%2F',
          handle: 'h',
          at: 1,
          kind: 'output',
          stream: 'stderr',
          offset,
          data,
        });
        offset += data.length;
      }
      const got: StepEvent[] = [];
      await withTimeout(
        new Promise<void>((resolve) => {
          const sub = bus.followStepEvents(buildId, 0, async (e) => {
            got.push(e);
            if (got.length === chunks.length) void sub.stop().then(resolve);
          });
        }),
        10_000,
      );
      assert.deepEqual(
        got.map((e) => (e.kind === 'output' ? [e.planId, e.stream, e.offset] : [])),
        [
          ['plän/%2F', 'stderr', 0],
          ['plän/%2F', 'stderr', 256],
          ['plän/%2F', 'stderr', 256],
        ],
      );
      got.forEach((e, i) => {
        assert.ok(e.kind === 'output');
        assert.ok(Buffer.from(e.data).equals(chunks[i]!));
      });
    });

    it('refuses to publish a message that does not match its schema', async () => {
      const bus = await makeBus();
      buses.push(bus);
      await assert.rejects(
        bus.publishStepJob({ ...job(handle()), handle: 'not-a-handle' }),
        /refusing to send/,
      );
    });
  });
}

describe('output event frames', () => {
  const event: StepEvent = {
    v: 1,
    buildId: 7,
    planId: 'p',
    handle: 'h',
    at: 1,
    kind: 'output',
    stream: 'stdout',
    offset: 3,
    data: Buffer.from('hello'),
  };
  const raw = (data: Uint8Array) => ({ data, headers: {} });
  const frame = (head: string, body = Buffer.alloc(0), length?: number) => {
    const headBytes = Buffer.from(head);
    const out = Buffer.alloc(5 + headBytes.length + body.length);
    out.writeUInt32BE(length ?? headBytes.length, 1);
    headBytes.copy(out, 5);
    body.copy(out, 5 + headBytes.length);
    return out;
  };

  it('are no JSON, and carry the bytes without base64', () => {
    const encoded = encodeStepEvent(event);
    assert.equal(encoded.data[0], 0);
    assert.ok(Buffer.from(encoded.data).subarray(-5).equals(Buffer.from('hello')));
    const decoded = decodeStepEvent(encoded);
    assert.deepEqual({ ...decoded, data: null }, { ...event, data: null });
  });

  it('still read output events stored as JSON with base64 bytes', () => {
    const json = JSON.stringify({ ...event, data: Buffer.from('old bytes').toString('base64') });
    const decoded = decodeStepEvent(raw(Buffer.from(json)));
    assert.ok(decoded.kind === 'output');
    assert.equal(Buffer.from(decoded.data).toString(), 'old bytes');
  });

  it('refuse truncated, overrunning and malformed frames with a clear error', () => {
    const { data: _data, ...head } = event;
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated', Buffer.from([0, 0, 0]), /truncated/],
      ['head overruns', frame('{}', Buffer.alloc(0), 1000), /overruns/],
      ['head not JSON', frame('{nope'), /not JSON/],
      ['head an array', frame('[1,2]'), /not an object/],
      ['head of another kind', frame(JSON.stringify({ ...head, kind: 'started' })), /output/],
      ['head missing fields', frame(JSON.stringify({ kind: 'output' })), /./],
      ['head with a negative offset', frame(JSON.stringify({ ...head, offset: -1 })), /./],
    ];
    for (const [what, data, message] of cases) {
      assert.throws(
        () => decodeStepEvent(raw(data)),
        (err: unknown) => err instanceof InvalidMessageError && message.test(err.message),
        what,
      );
    }
  });

  it('refuse to send output whose bytes are not bytes', () => {
    const bad = { ...event, data: 'aGVsbG8=' } as unknown as StepEvent;
    assert.throws(() => encodeStepEvent(bad), InvalidMessageError);
  });
});
