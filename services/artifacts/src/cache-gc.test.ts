import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPool, createTestDatabase, type Pool, type TestDatabase } from '@jetbridge/db';
import { collectCaches } from './cache-gc.ts';

const hour = 60 * 60 * 1000;

describe('task cache directory garbage collection', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dir: string;
  const now = Date.now();

  async function cacheDir(name: string, ageMs: number): Promise<void> {
    const path = join(dir, 'caches', name);
    await mkdir(path, { recursive: true });
    await writeFile(join(path, 'content'), name);
    await utimes(path, new Date(now - ageMs), new Date(now - ageMs));
  }

  before(async () => {
    db = await createTestDatabase('jetbridge_cache_gc');
    pool = createPool(db.settings);
    dir = await mkdtemp(join(tmpdir(), 'jb-cache-gc-'));
    const team = (
      await pool.query<{ id: number }>(`INSERT INTO teams (name) VALUES ('main') RETURNING id`)
    ).rows[0]!.id;
    const pipeline = (
      await pool.query<{ id: number }>(
        `INSERT INTO pipelines (team_id, name) VALUES ($1, 'p') RETURNING id`,
        [team],
      )
    ).rows[0]!.id;
    const job = (
      await pool.query<{ id: number }>(
        `INSERT INTO jobs (pipeline_id, name, config) VALUES ($1, 'j', '{}') RETURNING id`,
        [pipeline],
      )
    ).rows[0]!.id;
    await pool.query(
      `INSERT INTO task_caches (team_id, job_id, step_name, path, store_key)
       VALUES ($1, $2, 'count', 'cache', 'team-1-recorded')`,
      [team, job],
    );
    const running = (
      await pool.query<{ id: number }>(
        `INSERT INTO builds (team_id, name, status) VALUES ($1, '1', 'started') RETURNING id`,
        [team],
      )
    ).rows[0]!.id;
    await pool.query(
      `INSERT INTO build_steps (build_id, plan_id, state, result) VALUES ($1, 'a', 'running', $2)`,
      [running, JSON.stringify({ job: { caches: [{ path: '/x', key: 'team-1-one-off' }] } })],
    );
    await cacheDir('team-1-recorded', 2 * hour);
    await cacheDir('team-1-one-off', 2 * hour);
    await cacheDir('team-1-cleared', 2 * hour);
    await cacheDir('team-1-just-made', 60 * 1000);
  });

  after(async () => {
    await pool?.end();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('removes only cache directories no job cache or running step references', async () => {
    const report = await collectCaches(dir, pool, 10 * 60 * 1000, now);
    assert.deepEqual(report.removed, ['team-1-cleared']);
    assert.deepEqual((await readdir(join(dir, 'caches'))).sort(), [
      'team-1-just-made',
      'team-1-one-off',
      'team-1-recorded',
    ]);
  });

  it('copes with a fresh claim that has no caches directory yet', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'jb-cache-gc-empty-'));
    assert.deepEqual((await collectCaches(empty, pool, 0, now)).removed, []);
    await rm(empty, { recursive: true });
  });
});
