import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '@jetbridge/db';
import type { CheckPlan, PipelineConfig } from '@jetbridge/pipeline';
import { appendBuildEvents, errorEvent } from '../builds/index.ts';
import { createTestWorld, type TestWorld } from '../scheduler/test-pipeline.ts';
import { checkOnce } from './check-once.ts';

function config(resource: Record<string, unknown> = {}, extra: Partial<PipelineConfig> = {}) {
  return {
    resources: [{ name: 'repo', type: 'mock', source: { a: 1 }, ...resource }],
    jobs: [{ name: 'unit', plan: [{ get: 'repo' }] }],
    ...extra,
  } as PipelineConfig;
}

interface CheckBuild {
  id: number;
  status: string;
  plan: { id: string; check: CheckPlan };
}

describe('resource checker', () => {
  let world: TestWorld;
  before(async () => {
    world = await createTestWorld();
  });
  after(async () => {
    await world.close();
  });

  async function checks(column: 'resource_id' | 'resource_type_id', id: number) {
    const found = await world.pool.query<CheckBuild>(
      `SELECT id, status, plan FROM builds WHERE ${column} = $1 ORDER BY id`,
      [id],
    );
    return found.rows;
  }

  async function pass() {
    const result = await checkOnce(world);
    assert.ok(result);
    return result;
  }

  it('starts a check build for a resource never checked', async () => {
    const p = await world.createPipeline(config());

    await pass();

    const [build] = await checks('resource_id', p.resources.repo!);
    assert.equal(build!.status, 'started');
    assert.deepEqual(build!.plan, {
      id: '1',
      check: {
        name: 'repo',
        type: 'mock',
        source: { a: 1 },
        image: { base_type: 'mock' },
        resource: 'repo',
      },
    });
    const row = await world.pool.query('SELECT last_check_build_id FROM resources WHERE id = $1', [
      p.resources.repo,
    ]);
    assert.equal(row.rows[0].last_check_build_id, build!.id);
  });

  it('never runs a second check of a scope while one is running', async () => {
    const p = await world.createPipeline(config({ check_every: '1ms' }));
    await pass();
    await pass();
    const running = await checks('resource_id', p.resources.repo!);
    assert.equal(running.length, 1);

    await world.finish(running[0]!.id, 'succeeded');
    await pass();
    assert.equal((await checks('resource_id', p.resources.repo!)).length, 2);
  });

  it('waits for check_every and never checks with never', async () => {
    const hourly = await world.createPipeline(config({ check_every: '1h' }));
    const never = await world.createPipeline(config({ check_every: 'never' }));
    await pass();
    const [first] = await checks('resource_id', hourly.resources.repo!);
    await world.finish(first!.id, 'succeeded');

    await pass();

    assert.equal((await checks('resource_id', hourly.resources.repo!)).length, 1);
    assert.equal((await checks('resource_id', never.resources.repo!)).length, 0);
  });

  it('does not check resources of a paused pipeline periodically', async () => {
    const p = await world.createPipeline(config(), { paused: true });
    await pass();
    assert.equal((await checks('resource_id', p.resources.repo!)).length, 0);
  });

  it('starts from the latest version, or the pinned one', async () => {
    const latest = await world.createPipeline(config({ check_every: '1ms' }));
    const pinned = await world.createPipeline(config({ version: { v: '1' } }));
    await world.check(latest.resources.repo!, { v: '1' }, { v: '2' });
    await world.check(pinned.resources.repo!, { v: '1' }, { v: '2' });

    await pass();

    const [fromLatest] = await checks('resource_id', latest.resources.repo!);
    assert.deepEqual(fromLatest!.plan.check.from_version, { v: '2' });
    const [fromPin] = await checks('resource_id', pinned.resources.repo!);
    assert.deepEqual(fromPin!.plan.check.from_version, { v: '1' });
  });

  it('starts a requested check with its from version once the running one finished', async () => {
    const p = await world.createPipeline(config({ check_every: '1h' }));
    await pass();
    const [running] = await checks('resource_id', p.resources.repo!);
    const requested = await world.pool.query<{ id: number }>(
      `INSERT INTO builds (team_id, pipeline_id, resource_id, name, manually_triggered, plan)
       VALUES ($1, $2, $3, nextval('one_off_name_seq')::text, true, $4) RETURNING id`,
      [
        world.teamId,
        p.id,
        p.resources.repo,
        JSON.stringify({ check: { from_version: { v: 'x' } } }),
      ],
    );

    await pass();
    assert.equal((await checks('resource_id', p.resources.repo!))[1]!.status, 'pending');

    await world.finish(running!.id, 'succeeded');
    const result = await pass();

    assert.equal(result.requested, 1);
    const build = (await checks('resource_id', p.resources.repo!)).find(
      (b) => b.id === requested.rows[0]!.id,
    )!;
    assert.equal(build.status, 'started');
    assert.deepEqual(build.plan.check.from_version, { v: 'x' });
  });

  it('resolves vars in the source and errors the check when one is undefined', async () => {
    const resolved = await world.createPipeline(
      config(
        { source: { user: '((creds:user))' } },
        {
          var_sources: [{ name: 'creds', type: 'dummy', config: { vars: { user: 'bob' } } }],
        },
      ),
    );
    const missing = await world.createPipeline(config({ source: { token: '((token))' } }));

    await pass();

    const [ok] = await checks('resource_id', resolved.resources.repo!);
    assert.deepEqual(ok!.plan.check.source, { user: 'bob' });
    const [bad] = await checks('resource_id', missing.resources.repo!);
    assert.equal(bad!.status, 'errored');
    const row = await world.pool.query('SELECT check_error FROM resources WHERE id = $1', [
      missing.resources.repo,
    ]);
    assert.equal(row.rows[0].check_error, 'undefined vars: token');
  });

  it('records the error of a failed check on the resource', async () => {
    const p = await world.createPipeline(config());
    await pass();
    const [build] = await checks('resource_id', p.resources.repo!);
    await inTransaction(world.pool, (c) =>
      appendBuildEvents(c, build!.id, [errorEvent({ id: '1' }, 'repository not found')]),
    );
    await world.finish(build!.id, 'errored');

    await pass();

    const row = await world.pool.query(
      'SELECT check_error, last_checked FROM resources WHERE id = $1',
      [p.resources.repo],
    );
    assert.equal(row.rows[0].check_error, 'repository not found');
    assert.notEqual(row.rows[0].last_checked, null);
  });

  it('checks the custom types a resource uses, and plans their image', async () => {
    const p = await world.createPipeline(
      config(
        { type: 'my-type' },
        {
          resource_types: [
            { name: 'my-type', type: 'registry-image', source: { repository: 'me/mine' } },
            { name: 'unused', type: 'registry-image', source: { repository: 'me/unused' } },
          ],
        },
      ),
    );

    await pass();

    const [typeCheck] = await checks('resource_type_id', p.resourceTypes['my-type']!);
    assert.deepEqual(typeCheck!.plan.check, {
      name: 'my-type',
      type: 'registry-image',
      source: { repository: 'me/mine' },
      image: { base_type: 'registry-image' },
      resource_type: 'my-type',
    });
    assert.equal((await checks('resource_type_id', p.resourceTypes.unused!)).length, 0);
    const [resourceCheck] = await checks('resource_id', p.resources.repo!);
    assert.equal(resourceCheck!.plan.check.image.check_plan!.id, '1/image-check');
    assert.equal(resourceCheck!.plan.check.image.get_plan!.get!.version_from, '1/image-check');
  });
});
