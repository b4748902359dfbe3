import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '@jetbridge/db';
import type { PipelineConfig } from '@jetbridge/pipeline';
import { requestCheck } from '../checker/request-check.ts';
import { buildPreparation } from './build-preparation.ts';
import { scheduleOnce } from './schedule-once.ts';
import { createTestWorld, type TestPipeline, type TestWorld } from './test-pipeline.ts';

function config(resource: Record<string, unknown> = {}): PipelineConfig {
  return {
    resources: [{ name: 'repo', type: 'mock', source: {}, ...resource }],
    jobs: [{ name: 'unit', plan: [{ get: 'repo' }] }],
  } as PipelineConfig;
}

describe('scheduler: a manual build waits for the checks of its inputs', () => {
  let world: TestWorld;
  before(async () => {
    world = await createTestWorld();
  });
  after(async () => {
    await world.close();
  });

  async function requestRepoCheck(p: TestPipeline): Promise<number> {
    return inTransaction(world.pool, (client) =>
      requestCheck(client, {
        kind: 'resource',
        id: p.resources.repo!,
        name: 'repo',
        type: 'mock',
        teamId: world.teamId,
        pipelineId: p.id,
      }),
    );
  }

  it('chooses versions only once the check requested with the trigger finished', async () => {
    const p = await world.createPipeline(config());
    await world.check(p.resources.repo!, { version: 'v1' });
    const check = await requestRepoCheck(p);
    const build = await world.trigger(p, 'unit');

    await scheduleOnce(world, p.id);
    assert.equal((await world.builds(p.jobs.unit!))[0]!.status, 'pending');
    const waiting = await buildPreparation(world.pool, build);
    assert.equal(waiting.inputs_satisfied, 'blocking');
    assert.deepEqual(waiting.inputs, { repo: 'blocking' });
    assert.deepEqual(waiting.missing_input_reasons, {
      repo: 'checking for latest available versions',
    });

    await world.check(p.resources.repo!, { version: 'v2' });
    await world.finish(check, 'succeeded');
    await scheduleOnce(world, p.id);

    const [started] = await world.builds(p.jobs.unit!);
    assert.equal(started!.status, 'started');
    assert.deepEqual(started!.inputs![0]!.version, { version: 'v2' });
  });

  it('starts once the check finished even when it failed', async () => {
    const p = await world.createPipeline(config());
    await world.check(p.resources.repo!, { version: 'v1' });
    const check = await requestRepoCheck(p);
    await world.trigger(p, 'unit');
    await world.finish(check, 'failed');

    await scheduleOnce(world, p.id);

    assert.equal((await world.builds(p.jobs.unit!))[0]!.status, 'started');
  });

  it('does not wait for a check requested after the build', async () => {
    const p = await world.createPipeline(config());
    await world.check(p.resources.repo!, { version: 'v1' });
    await world.trigger(p, 'unit');
    await requestRepoCheck(p);

    await scheduleOnce(world, p.id);

    assert.equal((await world.builds(p.jobs.unit!))[0]!.status, 'started');
  });

  it('does not wait for the check of a pinned resource', async () => {
    const p = await world.createPipeline(config({ version: { version: 'v1' } }));
    await world.check(p.resources.repo!, { version: 'v1' });
    await requestRepoCheck(p);
    await world.trigger(p, 'unit');

    await scheduleOnce(world, p.id);

    assert.equal((await world.builds(p.jobs.unit!))[0]!.status, 'started');
  });
});

describe('build preparation', () => {
  let world: TestWorld;
  before(async () => {
    world = await createTestWorld();
  });
  after(async () => {
    await world.close();
  });

  it('shows a paused pipeline, a paused job and an input without versions as blocking', async () => {
    const p = await world.createPipeline(config(), { paused: true });
    await world.pool.query('UPDATE jobs SET paused = true WHERE id = $1', [p.jobs.unit]);
    const build = await world.trigger(p, 'unit');

    assert.deepEqual(await buildPreparation(world.pool, build), {
      build_id: build,
      paused_pipeline: 'blocking',
      paused_job: 'blocking',
      max_running_builds: 'not_blocking',
      inputs: { repo: 'blocking' },
      inputs_satisfied: 'blocking',
      missing_input_reasons: { repo: 'no versions available' },
    });
  });

  it('shows a pinned version that was never found', async () => {
    const p = await world.createPipeline(config({ version: { version: 'gone' } }));
    const build = await world.trigger(p, 'unit');

    const preparation = await buildPreparation(world.pool, build);

    assert.deepEqual(preparation.missing_input_reasons, {
      repo: 'pinned version {"version":"gone"} is not available',
    });
  });

  it('shows max_in_flight reached, and nothing blocking once the build started', async () => {
    const p = await world.createPipeline({
      ...config(),
      jobs: [{ name: 'unit', serial: true, plan: [{ get: 'repo' }] }],
    } as PipelineConfig);
    await world.check(p.resources.repo!, { version: 'v1' });
    const first = await world.trigger(p, 'unit');
    await scheduleOnce(world, p.id);
    const second = await world.trigger(p, 'unit');

    const blocked = await buildPreparation(world.pool, second);
    assert.equal(blocked.max_running_builds, 'blocking');
    assert.equal(blocked.inputs_satisfied, 'not_blocking');
    assert.deepEqual(blocked.inputs, { repo: 'not_blocking' });

    const running = await buildPreparation(world.pool, first);
    assert.equal(running.inputs_satisfied, 'not_blocking');
    assert.deepEqual(running.inputs, {});
  });
});
