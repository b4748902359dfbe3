import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '@jetbridge/db';
import type { PipelineConfig, Plan } from '@jetbridge/pipeline';
import { disableVersion, pinVersion } from '../resources/index.ts';
import { scheduleOnce } from './schedule-once.ts';
import { createTestWorld, type TestWorld } from './test-pipeline.ts';

function pipeline(get: Record<string, unknown>, resource: Record<string, unknown> = {}) {
  return {
    resources: [{ name: 'repo', type: 'mock', source: {}, ...resource }],
    jobs: [{ name: 'unit', plan: [{ get: 'repo', ...get }] }],
  } as PipelineConfig;
}

describe('scheduler: triggering', () => {
  let world: TestWorld;
  before(async () => {
    world = await createTestWorld();
  });
  after(async () => {
    await world.close();
  });

  it('starts a build when a trigger input has a new version', async () => {
    const p = await world.createPipeline(pipeline({ trigger: true }));
    await world.check(p.resources.repo!, { version: 'v1' });

    const result = await scheduleOnce(world, p.id);

    assert.deepEqual(result, { created: 1, started: 1, aborted: 0 });
    const [build] = await world.builds(p.jobs.unit!);
    assert.equal(build!.name, '1');
    assert.equal(build!.status, 'started');
    assert.deepEqual(build!.inputs![0]!.version, { version: 'v1' });
    assert.deepEqual((build!.plan as Plan).do![0]!.get!.version, { version: 'v1' });
    const used = await world.pool.query(
      'SELECT name, is_input FROM build_resource_versions WHERE build_id = $1',
      [build!.id],
    );
    assert.deepEqual(used.rows, [{ name: 'repo', is_input: true }]);
  });

  it('does not build the same version twice', async () => {
    const p = await world.createPipeline(pipeline({ trigger: true }));
    await world.check(p.resources.repo!, { version: 'v1' });
    await scheduleOnce(world, p.id);
    const [first] = await world.builds(p.jobs.unit!);
    await world.finish(first!.id, 'succeeded');

    const again = await scheduleOnce(world, p.id);

    assert.equal(again!.created, 0);
    assert.equal((await world.builds(p.jobs.unit!)).length, 1);
  });

  it('only marks new inputs when the input does not trigger', async () => {
    const p = await world.createPipeline(pipeline({}));
    await world.check(p.resources.repo!, { version: 'v1' });

    await scheduleOnce(world, p.id);

    assert.equal((await world.builds(p.jobs.unit!)).length, 0);
    const job = await world.pool.query('SELECT has_new_inputs FROM jobs WHERE id = $1', [
      p.jobs.unit,
    ]);
    assert.equal(job.rows[0].has_new_inputs, true);
  });

  it('creates one build per version with version: every', async () => {
    const p = await world.createPipeline(pipeline({ trigger: true, version: 'every' }));
    await world.check(p.resources.repo!, { version: 'v1' });
    await scheduleOnce(world, p.id);
    await world.check(p.resources.repo!, { version: 'v2' }, { version: 'v3' });

    await scheduleOnce(world, p.id);
    await scheduleOnce(world, p.id);
    const last = await scheduleOnce(world, p.id);

    assert.equal(last!.created, 0);
    const builds = await world.builds(p.jobs.unit!);
    assert.deepEqual(
      builds.map((b) => b.inputs![0]!.version.version),
      ['v1', 'v2', 'v3'],
    );
  });

  it('uses the version pinned in the resource config', async () => {
    const p = await world.createPipeline(
      pipeline({ trigger: true }, { version: { version: 'v1' } }),
    );
    await world.check(p.resources.repo!, { version: 'v1' }, { version: 'v2' });

    await scheduleOnce(world, p.id);

    const [build] = await world.builds(p.jobs.unit!);
    assert.deepEqual(build!.inputs![0]!.version, { version: 'v1' });
  });

  it('uses the version pinned through the API', async () => {
    const p = await world.createPipeline(pipeline({ trigger: true }));
    await world.check(p.resources.repo!, { version: 'v1' }, { version: 'v2' });
    const v1 = await world.pool.query(
      `SELECT id FROM resource_versions WHERE version = '{"version":"v1"}'::jsonb AND resource_id = $1`,
      [p.resources.repo],
    );
    await inTransaction(world.pool, (c) => pinVersion(c, p.resources.repo!, v1.rows[0].id));

    await scheduleOnce(world, p.id);

    const [build] = await world.builds(p.jobs.unit!);
    assert.deepEqual(build!.inputs![0]!.version, { version: 'v1' });
  });

  it('skips disabled versions', async () => {
    const p = await world.createPipeline(pipeline({ trigger: true }));
    await world.check(p.resources.repo!, { version: 'v1' }, { version: 'v2' });
    const v2 = await world.pool.query(
      `SELECT id FROM resource_versions WHERE version = '{"version":"v2"}'::jsonb AND resource_id = $1`,
      [p.resources.repo],
    );
    await inTransaction(world.pool, (c) => disableVersion(c, p.resources.repo!, v2.rows[0].id));

    await scheduleOnce(world, p.id);

    const [build] = await world.builds(p.jobs.unit!);
    assert.deepEqual(build!.inputs![0]!.version, { version: 'v1' });
  });
});
