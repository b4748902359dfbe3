import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lockKey } from '@jetbridge/db';
import type { PipelineConfig } from '@jetbridge/pipeline';
import { scheduleOnce } from './schedule-once.ts';
import { createTestWorld, type TestWorld } from './test-pipeline.ts';

const config = {
  resources: [{ name: 'repo', type: 'mock', source: {} }],
  jobs: [{ name: 'unit', plan: [{ get: 'repo' }] }],
} as PipelineConfig;

describe('scheduler: pending builds', () => {
  let world: TestWorld;
  before(async () => {
    world = await createTestWorld();
  });
  after(async () => {
    await world.close();
  });

  it('starts a manually triggered build with the latest inputs', async () => {
    const p = await world.createPipeline(config);
    await world.check(p.resources.repo!, { version: 'v1' }, { version: 'v2' });
    await world.trigger(p, 'unit');

    await scheduleOnce(world, p.id);

    const [build] = await world.builds(p.jobs.unit!);
    assert.equal(build!.status, 'started');
    assert.deepEqual(build!.inputs![0]!.version, { version: 'v2' });
    const events = await world.pool.query(
      'SELECT type, data FROM build_events WHERE build_id = $1 ORDER BY event_id',
      [build!.id],
    );
    assert.equal(events.rows[0].type, 'status');
    assert.equal(events.rows[0].data.status, 'started');
  });

  it('leaves a build pending while its inputs have no versions', async () => {
    const p = await world.createPipeline(config);
    await world.trigger(p, 'unit');

    await scheduleOnce(world, p.id);

    assert.equal((await world.builds(p.jobs.unit!))[0]!.status, 'pending');
  });

  it('starts a rerun named <n>.<k> with the original inputs, ahead of newer builds', async () => {
    const p = await world.createPipeline({
      ...config,
      jobs: [{ name: 'unit', serial: true, plan: [{ get: 'repo' }] }],
    } as PipelineConfig);
    await world.check(p.resources.repo!, { version: 'v1' });
    const original = await world.trigger(p, 'unit');
    await scheduleOnce(world, p.id);
    await world.finish(original, 'failed');
    await world.check(p.resources.repo!, { version: 'v2' });
    await world.trigger(p, 'unit');
    const rerun = await world.rerun(original);

    await scheduleOnce(world, p.id);

    const builds = await world.builds(p.jobs.unit!);
    const started = builds.find((b) => b.id === rerun)!;
    assert.equal(started.name, '1.1');
    assert.equal(started.status, 'started');
    assert.deepEqual(started.inputs![0]!.version, { version: 'v1' });
    assert.equal(builds.find((b) => b.name === '2')!.status, 'pending');
  });

  it('finishes an aborted pending build as aborted', async () => {
    const p = await world.createPipeline(config, { paused: true });
    const build = await world.trigger(p, 'unit');
    await world.pool.query('UPDATE builds SET aborted = true WHERE id = $1', [build]);

    const result = await scheduleOnce(world, p.id);

    assert.equal(result!.aborted, 1);
    const [row] = await world.builds(p.jobs.unit!);
    assert.equal(row!.status, 'aborted');
    const last = await world.pool.query(
      'SELECT data FROM build_events WHERE build_id = $1 ORDER BY event_id DESC LIMIT 1',
      [build],
    );
    assert.equal(last.rows[0].data.status, 'aborted');
  });

  it('runs one pass per pipeline at a time', async () => {
    const p = await world.createPipeline(config);
    const client = await world.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [
        lockKey(`schedule:pipeline:${p.id}`).toString(),
      ]);
      assert.equal(await scheduleOnce(world, p.id), null);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    assert.notEqual(await scheduleOnce(world, p.id), null);
  });
});
