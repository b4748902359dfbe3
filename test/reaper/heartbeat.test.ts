// The worker row's heartbeat interval and TTL are reaper flags: the row is refreshed on that
// interval and stays valid for that TTL; a TTL no longer than the interval is refused at start,
// before anything is connected to.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../intercept/support.ts';
import { jetbridgeBin } from '../support/paths.ts';
import { startInProcess, type InProcess } from './in-process.ts';

const run = promisify(execFile);

interface Row {
  heartbeat_ms: number;
  ttl_ms: number;
}

async function workerRow(w: InProcess): Promise<Row | undefined> {
  const { rows } = await w.pool.query<Row>(
    `SELECT extract(epoch FROM heartbeat_at) * 1000 AS heartbeat_ms,
            extract(epoch FROM expires_at - heartbeat_at) * 1000 AS ttl_ms
       FROM workers WHERE name = 'k8s-reaper'`,
  );
  return rows[0] && { heartbeat_ms: Number(rows[0].heartbeat_ms), ttl_ms: Number(rows[0].ttl_ms) };
}

describe('worker row heartbeat settings', { timeout: 120_000 }, () => {
  let w: InProcess;

  before(async () => {
    w = await startInProcess('reaper-heartbeat');
  });
  after(() => w?.close());

  it('heartbeats on the interval and keeps the row valid for the TTL', async () => {
    await w.startReaper({ heartbeatIntervalMs: 300, workerTtlMs: 4_000 });
    const first = await workerRow(w);
    assert.ok(first, 'the reaper registers its worker row when it starts');
    assert.equal(Math.round(first.ttl_ms), 4_000);

    const later = await eventually(
      'a second heartbeat',
      async () => {
        const row = await workerRow(w);
        return row && row.heartbeat_ms > first.heartbeat_ms ? row : undefined;
      },
      5_000,
      50,
    );
    assert.equal(Math.round(later.ttl_ms), 4_000);
  });

  it('registers a landed or retiring row as running again, with a new start time', async () => {
    for (const state of ['landing', 'retiring', 'landed']) {
      await w.pool.query(
        `UPDATE workers SET state = $1, start_time = now() - interval '1 hour' WHERE name = 'k8s-reaper'`,
        [state],
      );
      await eventually(
        `the ${state} row running again`,
        async () => {
          const { rows } = await w.pool.query<{ state: string; age_s: number }>(
            `SELECT state, extract(epoch FROM now() - start_time) AS age_s
               FROM workers WHERE name = 'k8s-reaper'`,
          );
          return rows[0]?.state === 'running' && Number(rows[0].age_s) < 60 ? true : undefined;
        },
        5_000,
        50,
      );
    }
  });

  it('refuses a TTL that is not longer than the interval, naming both flags', async () => {
    const refused = await run(process.execPath, [
      jetbridgeBin,
      'reaper',
      '--kubernetes-namespace',
      'ci',
      '--heartbeat-interval',
      '10s',
      '--worker-ttl',
      '10s',
    ]).then(
      () => assert.fail('the reaper started'),
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--worker-ttl must be longer than --heartbeat-interval/);
  });

  it('refuses a heartbeat interval that is not a duration', async () => {
    const refused = await run(process.execPath, [
      jetbridgeBin,
      'reaper',
      '--kubernetes-namespace',
      'ci',
      '--heartbeat-interval',
      'often',
    ]).then(
      () => assert.fail('the reaper started'),
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--heartbeat-interval/);
  });
});
