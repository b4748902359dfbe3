import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPool, createTestDatabase, inTransaction, type Pool } from '@jetbridge/db';
import {
  appendBuildEvents,
  createCheckBuild,
  createOneOffBuild,
  finishBuild,
  logEvent,
  startBuild,
} from './index.ts';

describe('the build store', () => {
  let pool: Pool;
  let drop: () => Promise<void>;
  let teamId: number;
  let pipelineId: number;

  before(async () => {
    const db = await createTestDatabase('jetbridge_builds');
    drop = db.drop;
    pool = createPool(db.settings);
    teamId = (await pool.query(`INSERT INTO teams (name) VALUES ('main') RETURNING id`)).rows[0].id;
    pipelineId = (
      await pool.query(`INSERT INTO pipelines (team_id, name) VALUES ($1, 'p') RETURNING id`, [
        teamId,
      ])
    ).rows[0].id;
  });

  after(async () => {
    await pool.end();
    await drop();
  });

  async function events(buildId: number) {
    const found = await pool.query(
      'SELECT event_id, type, version, data FROM build_events WHERE build_id = $1 ORDER BY event_id',
      [buildId],
    );
    return found.rows;
  }

  it('names one-off and check builds from one counter and starts them with a status event', async () => {
    const plan = { id: '1', do: [] };
    const a = await inTransaction(pool, (c) => createOneOffBuild(c, { teamId, plan }));
    const b = await inTransaction(pool, (c) => createCheckBuild(c, { teamId, pipelineId, plan }));
    assert.equal(Number(b.name), Number(a.name) + 1);
    const row = (
      await pool.query('SELECT status, start_time, plan FROM builds WHERE id = $1', [a.id])
    ).rows[0];
    assert.equal(row.status, 'started');
    assert.notEqual(row.start_time, null);
    assert.deepEqual(row.plan, plan);
    const first = await events(a.id);
    assert.equal(first.length, 1);
    assert.equal(first[0].type, 'status');
    assert.equal(first[0].data.status, 'started');
  });

  it('numbers events consecutively from 0 under concurrent writers', async () => {
    const { id } = await inTransaction(pool, (c) =>
      createOneOffBuild(c, { teamId, plan: { id: 'x' } }),
    );
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        inTransaction(pool, (c) =>
          appendBuildEvents(c, id, [
            logEvent({ id: 'x' }, `a${i}`),
            logEvent({ id: 'x' }, `b${i}`),
          ]),
        ),
      ),
    );
    const stored = await events(id);
    assert.deepEqual(
      stored.map((e) => e.event_id),
      stored.map((_, i) => i),
    );
    assert.equal(stored.length, 21);
    const count = (await pool.query('SELECT event_count FROM builds WHERE id = $1', [id])).rows[0];
    assert.equal(count.event_count, 21);
  });

  it('stores output with NUL bytes and other control characters exactly', async () => {
    const plan = { id: '1', do: [] };
    const build = await inTransaction(pool, (c) => createOneOffBuild(c, { teamId, plan }));
    const payload = 'x\u0000y\u0001\r\n\u001b[31mred';
    await inTransaction(pool, (c) =>
      appendBuildEvents(c, build.id, [logEvent({ id: 'a', source: 'stdout' }, payload)]),
    );
    await inTransaction(pool, (c) => finishBuild(c, build.id, 'succeeded'));
    const stored = await events(build.id);
    assert.equal(stored[1].data.payload, payload);
    assert.equal(stored.at(-1).data.status, 'succeeded');
  });

  it('starts a pending build once and finishes it with the final status as the last event', async () => {
    const created = await pool.query(
      `INSERT INTO builds (team_id, name, plan) VALUES ($1, '1', '{"id":"1"}') RETURNING id`,
      [teamId],
    );
    const id = created.rows[0].id;
    assert.equal(await inTransaction(pool, (c) => startBuild(c, id)), true);
    assert.equal(await inTransaction(pool, (c) => startBuild(c, id)), false);
    assert.equal(await inTransaction(pool, (c) => finishBuild(c, id, 'failed')), true);
    assert.equal(await inTransaction(pool, (c) => finishBuild(c, id, 'succeeded')), false);

    const stored = await events(id);
    assert.deepEqual(
      stored.map((e) => [e.type, e.data.status]),
      [
        ['status', 'started'],
        ['status', 'failed'],
      ],
    );
    const row = (await pool.query('SELECT status, end_time, owner FROM builds WHERE id = $1', [id]))
      .rows[0];
    assert.equal(row.status, 'failed');
    assert.notEqual(row.end_time, null);
    assert.equal(row.owner, null);
  });
});
