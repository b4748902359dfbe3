import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PipelineConfig } from '@jetbridge/pipeline';
import { scheduleOnce } from './schedule-once.ts';
import { createTestWorld, type TestWorld } from './test-pipeline.ts';

describe('scheduler: passed constraints', () => {
  let world: TestWorld;
  before(async () => {
    world = await createTestWorld();
  });
  after(async () => {
    await world.close();
  });

  /** Runs one scheduling pass and finishes every build it started with `status`. */
  async function passAndFinish(pipelineId: number, jobId: number) {
    await scheduleOnce(world, pipelineId);
    for (const b of await world.builds(jobId)) {
      if (b.status === 'started') await world.finish(b.id, 'succeeded');
    }
  }

  it('waits until every upstream job has passed the same version (fan-in)', async () => {
    const config = {
      resources: [{ name: 'repo', type: 'mock', source: {} }],
      jobs: [
        { name: 'a', plan: [{ get: 'repo', trigger: true }] },
        { name: 'b', plan: [{ get: 'repo', trigger: true }] },
        { name: 'c', plan: [{ get: 'repo', trigger: true, passed: ['a', 'b'] }] },
      ],
    } as PipelineConfig;
    const p = await world.createPipeline(config);
    await world.pool.query('UPDATE jobs SET paused = true WHERE id = $1', [p.jobs.b]);
    await world.check(p.resources.repo!, { version: 'v1' });

    await passAndFinish(p.id, p.jobs.a!);
    assert.equal((await world.builds(p.jobs.c!)).length, 0, 'only a has passed v1');

    await world.pool.query('UPDATE jobs SET paused = false WHERE id = $1', [p.jobs.b]);
    await passAndFinish(p.id, p.jobs.b!);
    await scheduleOnce(world, p.id);

    const [build] = await world.builds(p.jobs.c!);
    assert.deepEqual(build!.inputs![0]!.version, { version: 'v1' });
  });

  it('takes the newest version that passed, not the newest version', async () => {
    const config = {
      resources: [{ name: 'repo', type: 'mock', source: {} }],
      jobs: [
        { name: 'a', plan: [{ get: 'repo', trigger: true }] },
        { name: 'c', plan: [{ get: 'repo', trigger: true, passed: ['a'] }] },
      ],
    } as PipelineConfig;
    const p = await world.createPipeline(config);
    await world.check(p.resources.repo!, { version: 'v1' });
    await passAndFinish(p.id, p.jobs.a!);
    await world.pool.query('UPDATE jobs SET paused = true WHERE id = $1', [p.jobs.a]);
    await world.check(p.resources.repo!, { version: 'v2' });

    await scheduleOnce(world, p.id);

    const [build] = await world.builds(p.jobs.c!);
    assert.deepEqual(build!.inputs![0]!.version, { version: 'v1' });
  });

  it('takes inputs passed through one upstream job from the same build of it', async () => {
    const config = {
      resources: [
        { name: 'src', type: 'mock', source: {} },
        { name: 'lib', type: 'mock', source: {} },
      ],
      jobs: [
        { name: 'a', plan: [{ get: 'src' }, { get: 'lib' }] },
        {
          name: 'c',
          plan: [
            { get: 'src', trigger: true, passed: ['a'] },
            { get: 'lib', trigger: true, passed: ['a'] },
          ],
        },
      ],
    } as PipelineConfig;
    const p = await world.createPipeline(config);
    await world.check(p.resources.src!, { v: 's1' }, { v: 's2' });
    await world.check(p.resources.lib!, { v: 'l1' }, { v: 'l2' });
    // a passed (s2, l1) and (s1, l2): s2 and l2 are each the newest that passed, never together.
    await recordSucceededBuild(p.id, p.jobs.a!, { src: 's2', lib: 'l1' });
    await recordSucceededBuild(p.id, p.jobs.a!, { src: 's1', lib: 'l2' });

    await scheduleOnce(world, p.id);

    const [build] = await world.builds(p.jobs.c!);
    assert.deepEqual(
      build!.inputs!.map((i) => i.version.v),
      ['s2', 'l1'],
    );
  });

  async function recordSucceededBuild(
    pipelineId: number,
    jobId: number,
    used: Record<string, string>,
  ) {
    const build = await world.pool.query<{ id: number }>(
      `INSERT INTO builds (team_id, pipeline_id, job_id, name, status)
       VALUES ($1, $2, $3, 'x', 'succeeded') RETURNING id`,
      [world.teamId, pipelineId, jobId],
    );
    for (const [name, v] of Object.entries(used)) {
      await world.pool.query(
        `INSERT INTO build_resource_versions (build_id, resource_id, version_id, name, is_input)
         SELECT $1, r.id, rv.id, $2, true FROM resources r
         JOIN resource_versions rv ON rv.resource_id = r.id AND rv.version = jsonb_build_object('v', $3::text)
         WHERE r.pipeline_id = $4 AND r.name = $2`,
        [build.rows[0]!.id, name, v, pipelineId],
      );
    }
  }
});
