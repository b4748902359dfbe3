import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '@jetbridge/db';
import type { CheckPlan, PipelineConfig } from '@jetbridge/pipeline';
import { appendBuildEvents, errorEvent } from '../builds/index.ts';
import { requestCheck, type CheckTarget } from './request-check.ts';
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
        timeout: '1h',
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

  it('records a check error quoting a NUL from the script, and still checks every resource', async () => {
    const p = await world.createPipeline(
      config(
        {},
        {
          resources: [
            { name: 'repo', type: 'mock', source: { a: 1 } },
            { name: 'other', type: 'mock', source: { b: 2 } },
          ],
        },
      ),
    );
    await pass();
    const [broken] = await checks('resource_id', p.resources.repo!);
    const [fine] = await checks('resource_id', p.resources.other!);
    // What a check printing a NUL byte gets: the JSON parser quotes the raw output.
    await inTransaction(world.pool, (c) =>
      appendBuildEvents(c, broken!.id, [
        errorEvent({ id: '1' }, "malformed resource output: Unexpected token '\u0000'"),
      ]),
    );
    await world.finish(broken!.id, 'errored');
    await world.finish(fine!.id, 'succeeded');

    await pass();

    const rows = await world.pool.query(
      'SELECT name, check_error, last_checked FROM resources WHERE id = ANY($1) ORDER BY name',
      [[p.resources.repo, p.resources.other]],
    );
    assert.deepEqual(
      rows.rows.map((r) => [r.name, r.check_error, r.last_checked !== null]),
      [
        ['other', null, true],
        ['repo', "malformed resource output: Unexpected token '\ufffd'", true],
      ],
    );
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
      timeout: '1h',
    });
    assert.equal((await checks('resource_type_id', p.resourceTypes.unused!)).length, 0);
    const [resourceCheck] = await checks('resource_id', p.resources.repo!);
    assert.equal(resourceCheck!.plan.check.image.check_plan!.id, '1/image-check');
    assert.equal(resourceCheck!.plan.check.image.get_plan!.get!.version_from, '1/image-check');
  });

  it('gives the check its check_timeout, and errors a check whose check_timeout is no duration', async () => {
    const timed = await world.createPipeline(config({ check_timeout: '30s' }));
    const bad = await world.createPipeline(config({ check_timeout: 'soon' }));

    await pass();

    const [build] = await checks('resource_id', timed.resources.repo!);
    assert.equal(build!.plan.check.timeout, '30s');
    const [errored] = await checks('resource_id', bad.resources.repo!);
    assert.equal(errored!.status, 'errored');
    const row = await world.pool.query('SELECT check_error FROM resources WHERE id = $1', [
      bad.resources.repo,
    ]);
    assert.match(row.rows[0].check_error, /invalid check_timeout 'soon'/);
  });

  describe('requested checks', () => {
    const chain = {
      resource_types: [
        { name: 'outer', type: 'inner', source: { o: 1 }, check_every: 'never' },
        { name: 'inner', type: 'mock', source: { i: 1 }, check_every: 'never' },
      ],
    };

    async function target(p: { id: number; resources: Record<string, number> }, name = 'repo') {
      return {
        kind: 'resource',
        id: p.resources[name]!,
        name,
        type: 'outer',
        teamId: world.teamId,
        pipelineId: p.id,
      } satisfies CheckTarget;
    }

    async function request(t: CheckTarget, opts: Parameters<typeof requestCheck>[2] = {}) {
      return inTransaction(world.pool, (c) => requestCheck(c, t, opts));
    }

    async function status(id: number) {
      const found = await world.pool.query('SELECT status FROM builds WHERE id = $1', [id]);
      return found.rows[0].status as string;
    }

    it('marks a requested check as skipping its interval', async () => {
      const p = await world.createPipeline(config({ check_every: 'never' }));
      const id = await request({ ...(await target(p)), type: 'mock' });

      await pass();

      const [build] = await checks('resource_id', p.resources.repo!);
      assert.equal(build!.id, id);
      assert.equal(build!.status, 'started');
      assert.equal(build!.plan.check.skip_interval, true);
    });

    it('re-checks the custom types below the resource first, deepest first', async () => {
      const p = await world.createPipeline(config({ type: 'outer', check_every: 'never' }, chain));
      const id = await request(await target(p));

      await pass();
      const [inner] = await checks('resource_type_id', p.resourceTypes.inner!);
      const [outer] = await checks('resource_type_id', p.resourceTypes.outer!);
      assert.equal(inner!.status, 'started');
      assert.equal(outer!.status, 'pending');
      assert.equal(await status(id), 'pending');

      await world.finish(inner!.id, 'succeeded');
      await pass();
      assert.equal(await status(outer!.id), 'started');
      assert.equal(await status(id), 'pending');

      await world.finish(outer!.id, 'succeeded');
      await pass();
      assert.equal(await status(id), 'started');
    });

    it('re-checks the types below a resource type too, but never the type through itself', async () => {
      const p = await world.createPipeline(
        config(
          { type: 'outer', check_every: 'never' },
          {
            resource_types: [
              ...chain.resource_types,
              { name: 'mock', type: 'mock', source: { m: 1 }, check_every: 'never' },
            ],
          },
        ),
      );
      const outer = {
        kind: 'resource_type',
        id: p.resourceTypes.outer!,
        name: 'outer',
        type: 'inner',
        teamId: world.teamId,
        pipelineId: p.id,
      } satisfies CheckTarget;

      const id = await request(outer);
      await pass();

      const [inner] = await checks('resource_type_id', p.resourceTypes.inner!);
      const [shadowing] = await checks('resource_type_id', p.resourceTypes.mock!);
      assert.equal(shadowing!.status, 'started');
      assert.equal(inner!.status, 'pending');
      assert.equal(await status(id), 'pending');
      const self = await request({
        ...outer,
        id: p.resourceTypes.mock!,
        name: 'mock',
        type: 'mock',
      });
      assert.equal((await checks('resource_type_id', p.resourceTypes.mock!)).at(-1)!.id, self);
      assert.equal((await checks('resource_type_id', p.resourceTypes.mock!)).length, 2);
    });

    it('checks only the resource when shallow', async () => {
      const p = await world.createPipeline(config({ type: 'outer', check_every: 'never' }, chain));
      const id = await request(await target(p), { shallow: true });

      await pass();

      assert.equal(await status(id), 'started');
      assert.equal((await checks('resource_type_id', p.resourceTypes.inner!)).length, 0);
    });

    it('errors the resource check with the reason a type below it failed to check', async () => {
      const p = await world.createPipeline(config({ type: 'outer', check_every: 'never' }, chain));
      const id = await request(await target(p));
      await pass();
      const [inner] = await checks('resource_type_id', p.resourceTypes.inner!);
      await inTransaction(world.pool, (c) =>
        appendBuildEvents(c, inner!.id, [errorEvent({ id: '1' }, 'registry unreachable')]),
      );
      await world.finish(inner!.id, 'errored');

      await pass();
      await pass();

      const [outer] = await checks('resource_type_id', p.resourceTypes.outer!);
      assert.equal(outer!.status, 'errored');
      assert.equal(await status(id), 'errored');
      const row = await world.pool.query('SELECT check_error FROM resources WHERE id = $1', [
        p.resources.repo,
      ]);
      assert.equal(
        row.rows[0].check_error,
        "checking resource type 'outer' failed: checking resource type 'inner' failed: " +
          'registry unreachable',
      );
    });

    it('lets a burst of webhook calls share the check that has not started yet', async () => {
      const p = await world.createPipeline(config({ check_every: 'never' }));
      const t = { ...(await target(p)), type: 'mock' };
      const first = await request(t, { reusePending: true, shallow: true });
      const second = await request(t, { reusePending: true, shallow: true });
      const fromVersion = await request(t, { reusePending: true, from: { v: '1' } });

      assert.equal(second, first);
      assert.notEqual(fromVersion, first);
    });
  });
});
