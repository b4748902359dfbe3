import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { channels, Wakeups } from '@jetbridge/db';
import type { PipelineConfig } from '@jetbridge/pipeline';
import type { WebContext } from '../context.ts';
import { startResourceChecker } from '../checker/index.ts';
import { startScheduler } from './index.ts';
import { createTestWorld, type TestWorld } from './test-pipeline.ts';

/** Below both polling intervals, so only a notification can explain the work being done. */
const BOUND_MS = 2500;

function nextNotification(wakeups: Wakeups, channel: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${channel} within bound`)), BOUND_MS);
    const off = wakeups.on(channel, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

describe('scheduler and checker loops', () => {
  let world: TestWorld;
  let wakeups: Wakeups;
  let ctx: WebContext;
  before(async () => {
    world = await createTestWorld();
    wakeups = new Wakeups(world.pool, world.settings);
    await wakeups.start();
    ctx = { pool: world.pool, wakeups, logger: world.logger } as unknown as WebContext;
  });
  after(async () => {
    await wakeups.close();
    await world.close();
  });

  it('starts a build as soon as a new trigger version is saved', async () => {
    const p = await world.createPipeline({
      resources: [{ name: 'repo', type: 'mock', source: {}, check_every: 'never' }],
      jobs: [{ name: 'unit', plan: [{ get: 'repo', trigger: true }] }],
    } as PipelineConfig);
    const scheduler = startScheduler(ctx);
    try {
      const started = nextNotification(wakeups, channels.builds);
      await world.check(p.resources.repo!, { version: 'v1' });
      const buildId = Number(await started);

      const [build] = await world.builds(p.jobs.unit!);
      assert.equal(build!.id, buildId);
      assert.equal(build!.status, 'started');
    } finally {
      await scheduler.stop();
    }
  });

  it('starts a requested check as soon as the checks channel is notified', async () => {
    const p = await world.createPipeline({
      resources: [{ name: 'repo', type: 'mock', source: {}, check_every: 'never' }],
      jobs: [{ name: 'unit', plan: [{ get: 'repo' }] }],
    } as PipelineConfig);
    const checker = startResourceChecker(ctx);
    try {
      const started = nextNotification(wakeups, channels.builds);
      const requested = await world.pool.query<{ id: number }>(
        `INSERT INTO builds (team_id, pipeline_id, resource_id, name, manually_triggered)
         VALUES ($1, $2, $3, nextval('one_off_name_seq')::text, true) RETURNING id`,
        [world.teamId, p.id, p.resources.repo],
      );
      await wakeups.notify(channels.checks, String(p.resources.repo));

      assert.equal(Number(await started), requested.rows[0]!.id);
    } finally {
      await checker.stop();
    }
  });
});
