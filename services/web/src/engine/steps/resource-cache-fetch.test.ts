// The fetch lock of resource caches against a real database: who holds a key, who waits, and when
// a waiter takes over.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@jetbridge/telemetry';
import { EngineHarness } from '../testing/engine-harness.ts';
import { Cancellation } from '../plan/cancellation.ts';
import { StepStoppedError } from '../plan/outcome.ts';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { channels } from '@jetbridge/db';
import { acquireFetch, releaseFetches, renewFetches } from './resource-cache-fetch.ts';

const plan = { id: 'p', task: { name: 't', config: { platform: 'linux', run: { path: 'true' } } } };

describe('resource cache fetch lock', () => {
  let h: EngineHarness;
  let serial = 0;

  before(async () => {
    h = await EngineHarness.create();
  });
  after(async () => {
    await h.close();
  });

  /** A started build whose get step `planId` is running, as the walker leaves it. */
  async function runningGet(planId = 'get') {
    const id = await h.createBuild(plan as never);
    await h.pool.query(`UPDATE builds SET status = 'started' WHERE id = $1`, [id]);
    await h.pool.query(
      `INSERT INTO build_steps (build_id, plan_id, state, result) VALUES ($1, $2, 'running', '{}')`,
      [id, planId],
    );
    const run = { ctx: h.context(), build: { id }, logger: silentLogger() } as unknown as BuildRun;
    const scope = { cancel: new Cancellation() } as unknown as Scope;
    return { id, run, scope, planId };
  }

  const freshKey = () => `rc-${String(++serial).padStart(64, '0')}`;
  const noCache = async () => null;
  const waitsFor = (id: number) =>
    h.waitFor(
      async () => ((await h.logText(id, 'get')).includes('waiting for another get') ? 1 : null),
      'the waiter to say it waits',
    );

  it('lets one get fetch and makes the other wait for the cache it stores', async () => {
    const key = freshKey();
    const first = await runningGet();
    const second = await runningGet();
    assert.deepEqual(await acquireFetch(first.run, first.scope, key, 'get', noCache), {
      acquired: true,
    });
    let stored = false;
    const waiting = acquireFetch(second.run, second.scope, key, 'get', async () =>
      stored ? 'the cache' : null,
    );
    await waitsFor(second.id);
    stored = true;
    await releaseFetches(first.run, first.scope, 'get');
    assert.deepEqual(await waiting, { cache: 'the cache' });
    const rows = await h.pool.query('SELECT 1 FROM resource_cache_fetches WHERE store_key = $1', [
      key,
    ]);
    assert.equal(rows.rowCount, 0, 'nobody holds the key once the cache is found');
  });

  it('hands the fetch to a waiter when the holder lets go without a cache', async () => {
    const key = freshKey();
    const first = await runningGet();
    const second = await runningGet();
    await acquireFetch(first.run, first.scope, key, 'get', noCache);
    const waiting = acquireFetch(second.run, second.scope, key, 'get', noCache);
    await waitsFor(second.id);
    await releaseFetches(first.run, first.scope, 'get');
    assert.deepEqual(await waiting, { acquired: true });
    const holder = await h.pool.query<{ build_id: number }>(
      'SELECT build_id FROM resource_cache_fetches WHERE store_key = $1',
      [key],
    );
    assert.equal(holder.rows[0]?.build_id, second.id);
  });

  it('takes over at once a key held by a step or build that stopped running', async () => {
    const key = freshKey();
    const failedStep = await runningGet();
    await acquireFetch(failedStep.run, failedStep.scope, key, 'get', noCache);
    await h.pool.query(`UPDATE build_steps SET state = 'failed' WHERE build_id = $1`, [
      failedStep.id,
    ]);
    const next = await runningGet();
    assert.deepEqual(await acquireFetch(next.run, next.scope, key, 'get', noCache), {
      acquired: true,
    });

    await h.pool.query(`UPDATE builds SET status = 'aborted' WHERE id = $1`, [next.id]);
    const last = await runningGet();
    assert.deepEqual(await acquireFetch(last.run, last.scope, key, 'get', noCache), {
      acquired: true,
    });
    const waits = await h.logText(last.id, 'get');
    assert.doesNotMatch(waits, /waiting/, 'a stale holder makes nobody wait');
  });

  it('keeps the key for the same step taken over by another replica', async () => {
    const key = freshKey();
    const holder = await runningGet();
    await acquireFetch(holder.run, holder.scope, key, 'get', noCache);
    const again = { ...holder.run, ctx: h.context({ replicaId: 'web-other' }) } as BuildRun;
    assert.deepEqual(await acquireFetch(again, holder.scope, key, 'get', noCache), {
      acquired: true,
    });
  });

  it('stops waiting when the waiting step is stopped, holding nothing', async () => {
    const key = freshKey();
    const holder = await runningGet();
    const waiter = await runningGet();
    await acquireFetch(holder.run, holder.scope, key, 'get', noCache);
    const waiting = acquireFetch(waiter.run, waiter.scope, key, 'get', noCache);
    await waitsFor(waiter.id);
    (waiter.scope.cancel as Cancellation).cancel('aborted');
    await assert.rejects(waiting, StepStoppedError);
    const rows = await h.pool.query<{ build_id: number }>(
      'SELECT build_id FROM resource_cache_fetches WHERE store_key = $1',
      [key],
    );
    assert.deepEqual(
      rows.rows.map((r) => r.build_id),
      [holder.id],
    );
  });

  it('does not let go when the replica only stopped owning the build', async () => {
    const key = freshKey();
    const holder = await runningGet();
    await acquireFetch(holder.run, holder.scope, key, 'get', noCache);
    (holder.scope.cancel as Cancellation).cancel('released');
    await releaseFetches(holder.run, holder.scope, 'get');
    const rows = await h.pool.query('SELECT 1 FROM resource_cache_fetches WHERE store_key = $1', [
      key,
    ]);
    assert.equal(rows.rowCount, 1);
  });

  it('does not finish a step stopped while it waited, even when the cache appears', async () => {
    for (const reason of ['aborted', 'released'] as const) {
      const key = freshKey();
      const holder = await runningGet();
      const waiter = await runningGet();
      await acquireFetch(holder.run, holder.scope, key, 'get', noCache);
      let stored = false;
      const waiting = acquireFetch(waiter.run, waiter.scope, key, 'get', async () =>
        stored ? 'the cache' : null,
      );
      await waitsFor(waiter.id);
      stored = true;
      (waiter.scope.cancel as Cancellation).cancel(reason);
      await assert.rejects(waiting, StepStoppedError, reason);
    }
  });

  it('takes the cache instead of the row when the holder stored it just before letting go', async () => {
    const key = freshKey();
    const late = await runningGet();
    // The holder is done: its row is gone and its cache is stored, but the late get looked too early.
    assert.deepEqual(await acquireFetch(late.run, late.scope, key, 'get', async () => 'stored'), {
      cache: 'stored',
    });
    const rows = await h.pool.query('SELECT 1 FROM resource_cache_fetches WHERE store_key = $1', [
      key,
    ]);
    assert.equal(rows.rowCount, 0, 'the late get holds nothing');
  });

  it('looks again at once when notices may have been missed (a reconnect)', async () => {
    const key = freshKey();
    const holder = await runningGet();
    const waiter = await runningGet();
    await acquireFetch(holder.run, holder.scope, key, 'get', noCache);
    let stored = false;
    // No periodic look within the test: only the notice can wake the waiter.
    const waiting = acquireFetch(
      waiter.run,
      waiter.scope,
      key,
      'get',
      async () => (stored ? 'the cache' : null),
      { lookEveryMs: 600_000 },
    );
    await waitsFor(waiter.id);
    stored = true;
    await h.wakeups.notify(channels.resourceCacheFetches, '');
    let outcome: unknown = null;
    void waiting.then((result) => (outcome = result));
    await h.waitFor(async () => outcome, 'the waiter to wake on the empty notice');
    assert.deepEqual(outcome, { cache: 'the cache' });
  });

  it('takes over a row its holder stopped renewing, and renewing keeps it', async () => {
    const key = freshKey();
    const holder = await runningGet();
    await acquireFetch(holder.run, holder.scope, key, 'get', noCache);
    const other = await runningGet();
    const age = (minutes: number) =>
      h.pool.query(
        `UPDATE resource_cache_fetches SET renewed_at = now() - make_interval(mins => $2)
         WHERE store_key = $1`,
        [key, minutes],
      );
    await age(5);
    const stop = new Cancellation();
    const stillHeld = acquireFetch(
      other.run,
      { cancel: stop } as unknown as Scope,
      key,
      'get',
      noCache,
    );
    await waitsFor(other.id);
    stop.cancel('aborted');
    await assert.rejects(stillHeld, StepStoppedError, 'five minutes without renewal is not stale');

    await age(11);
    const next = await runningGet();
    assert.deepEqual(await acquireFetch(next.run, next.scope, key, 'get', noCache), {
      acquired: true,
    });
  });

  it('renews the rows of a running step', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const key = freshKey();
    const holder = await runningGet();
    await acquireFetch(holder.run, holder.scope, key, 'get', noCache);
    await h.pool.query(
      `UPDATE resource_cache_fetches SET renewed_at = now() - interval '9 minutes' WHERE store_key = $1`,
      [key],
    );
    const stop = renewFetches(holder.run, 'get');
    t.mock.timers.tick(60_000);
    await h.waitFor(async () => {
      const row = await h.pool.query<{ fresh: boolean }>(
        `SELECT renewed_at > now() - interval '1 minute' AS fresh FROM resource_cache_fetches
         WHERE store_key = $1`,
        [key],
      );
      return row.rows[0]?.fresh ? true : null;
    }, 'the row to be renewed');
    stop();
  });
});
