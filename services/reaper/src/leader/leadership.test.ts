import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createPool, type Pool } from '@jetbridge/db';
import { silentLogger } from '@jetbridge/telemetry';
import { startReaper } from '../index.ts';
import {
  createBuild,
  createStepPod,
  insertContainer,
  startHarness,
  type Harness,
} from '../reaper.test-helper.ts';

describe('reaper leadership and the worker row', () => {
  let h: Harness;
  let secondPool: Pool;

  before(async () => {
    h = await startHarness();
    secondPool = createPool({
      url: (h.pool.options as { connectionString: string }).connectionString,
    });
  });

  after(async () => {
    await secondPool.end();
    await h.close();
  });

  const start = (pool: Pool) =>
    startReaper({ settings: h.settings(), pool, logger: silentLogger(), registry: new Registry() });

  it('lets one reaper lead and the standby take over when the leader stops', async () => {
    const leader = await start(h.pool);
    const standby = await start(secondPool);

    assert.equal((await leader.sweepOnce()).isLeader, true);
    const idle = await standby.sweepOnce();
    assert.equal(idle.isLeader, false);
    assert.equal(idle.apiCalls, 0);

    await leader.stop();
    assert.equal((await standby.sweepOnce()).isLeader, true);
    await standby.stop();
  });

  it('writes the worker row with its TTL, base resource types and the pod count', async () => {
    const reaper = await start(h.pool);
    const build = await createBuild(h, 'started');
    await insertContainer(h, build, 'counted');
    await createStepPod(h, build, 'counted');
    await reaper.sweepOnce();

    const { rows } = await h.pool.query(
      `SELECT name, platform, version, state, active_containers, resource_types,
              extract(epoch FROM expires_at - heartbeat_at) AS ttl_seconds
         FROM workers`,
    );
    assert.equal(rows.length, 1);
    const row = rows[0];
    assert.equal(row.name, 'k8s-reaper-test');
    assert.deepEqual([row.platform, row.version, row.state], ['linux', '3.0', 'running']);
    assert.equal(row.active_containers, 1);
    assert.equal(Number(row.ttl_seconds), 30);
    assert.deepEqual(
      row.resource_types.map((t: { type: string; image: string }) => `${t.type}=${t.image}`),
      [
        'mock=concourse/mock-resource',
        'time=concourse/time-resource',
        'git=concourse/git-resource',
        'registry-image=concourse/registry-image-resource',
        's3=concourse/s3-resource',
        'docker-image=concourse/docker-image-resource',
        'pool=concourse/pool-resource',
        'semver=concourse/semver-resource',
      ],
    );
    await reaper.stop();
  });

  it('revives an expired worker row on the next heartbeat', async () => {
    await h.pool.query(
      `UPDATE workers SET expires_at = now() - interval '1 minute', start_time = now() - interval '1 day'`,
    );
    const reaper = await start(h.pool);
    const { rows } = await h.pool.query(
      `SELECT expires_at > now() AS live, start_time > now() - interval '1 minute' AS restarted FROM workers`,
    );
    assert.deepEqual(rows, [{ live: true, restarted: true }]);
    await reaper.stop();
  });
});
