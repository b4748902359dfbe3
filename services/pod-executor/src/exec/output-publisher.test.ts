import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Bus, MemoryTransport, type StepEvent } from '@jetbridge/bus';
import { testStepJob } from '../pods/test-jobs.ts';
import { OutputPublisher } from './output-publisher.ts';

// A bus whose publishes wait until the test lets them go, so writes arrive while one is on its way.
class HeldTransport extends MemoryTransport {
  held: (() => void)[] = [];
  isHolding = true;

  override async append(...args: Parameters<MemoryTransport['append']>): Promise<void> {
    if (this.isHolding) await new Promise<void>((resolve) => this.held.push(resolve));
    return super.append(...args);
  }

  release(): void {
    this.isHolding = false;
    for (const go of this.held.splice(0)) go();
  }
}

async function outputEvents(bus: Bus, buildId: number, count: number): Promise<StepEvent[]> {
  const events: StepEvent[] = [];
  await new Promise<void>((resolve) => {
    const follower = bus.followStepEvents(buildId, 0, async (event) => {
      if (event.kind === 'output') events.push(event);
      if (events.length === count) {
        void follower.stop();
        resolve();
      }
    });
  });
  return events;
}

describe('output publisher', () => {
  it('gathers what arrives while an event is on its way, keeping stream order and offsets', async () => {
    const transport = new HeldTransport();
    const bus = new Bus(transport);
    const job = testStepJob({ run: { path: 'true', args: [], env: {} } });
    const publisher = new OutputPublisher(bus, job);

    publisher.write('stdout', Buffer.from('first '));
    for (let i = 0; i < 100; i += 1) publisher.write('stdout', Buffer.from(`${i},`));
    publisher.write('stderr', Buffer.from('oops\n'));
    publisher.write('stdout', Buffer.from('last\n'));
    transport.release();
    await publisher.flush();

    const events = await outputEvents(bus, job.buildId, 4);
    const summary = events.map((e) =>
      e.kind === 'output' ? [e.stream, e.offset, Buffer.from(e.data).toString()] : [],
    );
    const middle = Array.from({ length: 100 }, (_, i) => `${i},`).join('');
    assert.deepEqual(summary, [
      ['stdout', 0, 'first '],
      ['stdout', 6, middle],
      ['stderr', 0, 'oops\n'],
      ['stdout', 6 + middle.length, 'last\n'],
    ]);
    assert.deepEqual(publisher.offsets, { stdout: 6 + middle.length + 5, stderr: 5 });
    await bus.close();
  });

  it('cuts events at 256 KiB and holds the source back while the bus is behind', async () => {
    const transport = new HeldTransport();
    const bus = new Bus(transport);
    const job = testStepJob({ run: { path: 'true', args: [], env: {} } });
    const publisher = new OutputPublisher(bus, job);
    const flow: string[] = [];
    publisher.controlFlow({ pause: () => flow.push('pause'), resume: () => flow.push('resume') });

    const mib = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < 9; i += 1) publisher.write('stdout', mib);
    assert.deepEqual(flow, ['pause']);
    transport.release();
    await publisher.flush();
    assert.deepEqual(flow, ['pause', 'resume']);

    const events = await outputEvents(bus, job.buildId, 9 * 4);
    assert.ok(events.every((e) => e.kind === 'output' && Buffer.from(e.data).length === 262144));
    assert.deepEqual(
      events.map((e) => (e.kind === 'output' ? e.offset : -1)),
      Array.from({ length: 9 * 4 }, (_, i) => i * 262144),
    );
    await bus.close();
  });
});
