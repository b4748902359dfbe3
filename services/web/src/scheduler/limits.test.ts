import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PipelineConfig } from '@jetbridge/pipeline';
import { scheduleOnce } from './schedule-once.ts';
import { createTestWorld, type TestWorld } from './test-pipeline.ts';

function config(jobs: Array<Record<string, unknown>>): PipelineConfig {
  return {
    resources: [{ name: 'repo', type: 'mock', source: {} }],
    jobs: jobs.map((j) => ({ plan: [{ get: 'repo' }], ...j })),
  } as PipelineConfig;
}

describe('scheduler: limits and pausing', () => {
  let world: TestWorld;
  before(async () => {
    world = await createTestWorld();
  });
  after(async () => {
    await world.close();
  });

  async function statuses(jobId: number): Promise<string[]> {
    return (await world.builds(jobId)).map((b) => b.status);
  }

  it('runs one build at a time for a serial job', async () => {
    const p = await world.createPipeline(config([{ name: 'deploy', serial: true }]));
    await world.check(p.resources.repo!, { version: 'v1' });
    const first = await world.trigger(p, 'deploy');
    await world.trigger(p, 'deploy');

    await scheduleOnce(world, p.id);
    assert.deepEqual(await statuses(p.jobs.deploy!), ['started', 'pending']);

    await world.finish(first, 'succeeded');
    await scheduleOnce(world, p.id);
    assert.deepEqual(await statuses(p.jobs.deploy!), ['succeeded', 'started']);
  });

  it('shares serial groups across jobs and starts their builds in order', async () => {
    const p = await world.createPipeline(
      config([
        { name: 'a', serial_groups: ['env'] },
        { name: 'b', serial_groups: ['env'] },
      ]),
    );
    await world.check(p.resources.repo!, { version: 'v1' });
    const b1 = await world.trigger(p, 'b');
    await world.trigger(p, 'a');

    await scheduleOnce(world, p.id);
    assert.deepEqual(await statuses(p.jobs.a!), ['pending']);
    assert.deepEqual(await statuses(p.jobs.b!), ['started']);

    await world.finish(b1, 'succeeded');
    await scheduleOnce(world, p.id);
    assert.deepEqual(await statuses(p.jobs.a!), ['started']);
  });

  it('starts at most max_in_flight builds', async () => {
    const p = await world.createPipeline(config([{ name: 'unit', max_in_flight: 2 }]));
    await world.check(p.resources.repo!, { version: 'v1' });
    for (let i = 0; i < 3; i++) await world.trigger(p, 'unit');

    await scheduleOnce(world, p.id);

    assert.deepEqual(await statuses(p.jobs.unit!), ['started', 'started', 'pending']);
  });

  it('starts every pending build when max_in_flight is unlimited', async () => {
    const p = await world.createPipeline(config([{ name: 'unit' }]));
    await world.check(p.resources.repo!, { version: 'v1' });
    for (let i = 0; i < 3; i++) await world.trigger(p, 'unit');

    await scheduleOnce(world, p.id);

    assert.deepEqual(await statuses(p.jobs.unit!), ['started', 'started', 'started']);
  });

  it('creates and starts nothing for a paused job', async () => {
    const p = await world.createPipeline(
      config([{ name: 'unit', plan: [{ get: 'repo', trigger: true }] }]),
    );
    await world.pool.query('UPDATE jobs SET paused = true WHERE id = $1', [p.jobs.unit]);
    await world.check(p.resources.repo!, { version: 'v1' });
    await world.trigger(p, 'unit');

    await scheduleOnce(world, p.id);

    assert.deepEqual(await statuses(p.jobs.unit!), ['pending']);
  });

  it('creates and starts nothing in a paused pipeline', async () => {
    const p = await world.createPipeline(
      config([{ name: 'unit', plan: [{ get: 'repo', trigger: true }] }]),
      { paused: true },
    );
    await world.check(p.resources.repo!, { version: 'v1' });
    await world.trigger(p, 'unit');

    await scheduleOnce(world, p.id);

    assert.deepEqual(await statuses(p.jobs.unit!), ['pending']);
  });
});
