import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createPool, createTestDatabase, type Pool, type TestDatabase } from '@jetbridge/db';
import { collectArtifacts } from './gc.ts';
import { ArtifactStore } from './store.ts';

const hour = 60 * 60 * 1000;
const settings = {
  graceMs: 10 * 60 * 1000,
  uploadRetentionMs: 12 * hour,
  resourceCacheRetentionMs: 24 * hour,
  incomingMaxAgeMs: hour,
};
const runningHandle = 'a'.repeat(32);
const finishedHandle = 'b'.repeat(32);

describe('artifact store garbage collection', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dir: string;
  let store: ArtifactStore;
  const now = Date.now();

  async function stored(key: string, ageMs: number): Promise<void> {
    await store.put(key, Readable.from([Buffer.from(key)]));
    const when = new Date(now - ageMs);
    await utimes(store.pathOf(key), when, when);
  }

  before(async () => {
    db = await createTestDatabase('jetbridge_artifacts_gc');
    pool = createPool(db.settings);
    dir = await mkdtemp(join(tmpdir(), 'jb-artifacts-gc-'));
    store = new ArtifactStore(dir, 1024 * 1024);
    await store.init();

    const team = await pool.query<{ id: number }>(
      `INSERT INTO teams (name) VALUES ('main') RETURNING id`,
    );
    const teamId = team.rows[0]!.id;
    const build = async (status: string, plan: unknown) =>
      (
        await pool.query<{ id: number }>(
          `INSERT INTO builds (team_id, name, status, plan) VALUES ($1, '1', $2, $3) RETURNING id`,
          [teamId, status, JSON.stringify(plan)],
        )
      ).rows[0]!.id;
    const artifact = async (key: string, buildId: number | null, ageMs: number) =>
      (
        await pool.query<{ id: number }>(
          `INSERT INTO artifacts (team_id, build_id, store_key, created_at)
           VALUES ($1, $2, $3, now() - make_interval(secs => $4)) RETURNING id`,
          [teamId, buildId, key, ageMs / 1000],
        )
      ).rows[0]!.id;

    const usedUpload = await artifact('upload-used', null, 13 * hour);
    await artifact('upload-stale', null, 13 * hour);
    await artifact('upload-recent', null, hour);
    const running = await build('started', {
      id: 'x',
      do: [{ id: 'y', artifact_input: { artifact_id: usedUpload, name: 'in' } }],
    });
    const finished = await build('succeeded', { id: 'z' });
    await artifact('output-b1-downloadable', finished, 13 * hour);
    const longFinished = await build('succeeded', { id: 'w' });
    await pool.query(`UPDATE builds SET end_time = now() - interval '13 hours' WHERE id = $1`, [
      longFinished,
    ]);
    await artifact('output-downloaded-long-ago', longFinished, 13 * hour);

    const cache = (key: string, unusedMs: number) =>
      pool.query(
        `INSERT INTO resource_caches (store_key, type, version, last_used_at)
         VALUES ($1, 'git', '{}', now() - make_interval(secs => $2))`,
        [key, unusedMs / 1000],
      );
    await cache('rc-recent', hour);
    await cache('rc-unused', 25 * hour);
    await cache('rc-unused-but-running', 25 * hour);
    // A running step names tars by key: a cache it was given and an output of another build.
    await pool.query(
      `INSERT INTO build_steps (build_id, plan_id, state, result) VALUES ($1, 'y', 'running', $2)`,
      [
        running,
        JSON.stringify({
          job: {
            inputs: [
              {
                name: 'repo',
                path: 'repo',
                source: { kind: 'artifact', key: 'rc-unused-but-running' },
              },
              {
                name: 'prev',
                path: 'prev',
                source: { kind: 'artifact', key: 'out-of-older-build' },
              },
            ],
          },
        }),
      ],
    );
    for (const [handle, buildId] of [
      [runningHandle, running],
      [finishedHandle, finished],
    ] as const) {
      await pool.query(
        `INSERT INTO containers (handle, pod_name, team_id, build_id, type, worker_name)
         VALUES ($1, $1, $2, $3, 'task', 'k8s-test')`,
        [handle, teamId, buildId],
      );
    }

    for (const key of [
      'upload-used',
      'upload-stale',
      'upload-recent',
      'output-b1-downloadable',
      'output-downloaded-long-ago',
      'rc-recent',
      'rc-unused',
      'rc-unused-but-running',
      'out-of-older-build',
    ])
      await stored(key, 13 * hour);
    await stored(`out-${runningHandle}-0123456789abcdef`, hour);
    await stored(`out-${finishedHandle}-0123456789abcdef`, hour);
    await stored('upload-unrecorded-young', 60 * 1000);
    await stored('upload-unrecorded-old', hour);
    await writeFile(join(dir, 'incoming', 'cut.123'), 'partial');
    await utimes(
      join(dir, 'incoming', 'cut.123'),
      new Date(now - 2 * hour),
      new Date(now - 2 * hour),
    );
    await writeFile(join(dir, 'incoming', 'being-written.456'), 'partial');
  });

  after(async () => {
    await pool?.end();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('deletes exactly the tars nothing references, under the keys they were written with', async () => {
    const report = await collectArtifacts(store, pool, settings, now);
    assert.deepEqual(report.deleted.sort(), [
      `out-${finishedHandle}-0123456789abcdef`,
      'output-downloaded-long-ago',
      'rc-unused',
      'upload-stale',
      'upload-unrecorded-old',
    ]);
    assert.equal(report.expiredUploads, 2);
    assert.equal(report.expiredResourceCaches, 1);
    assert.deepEqual((await store.keys()).sort(), [
      `out-${runningHandle}-0123456789abcdef`,
      'out-of-older-build',
      'output-b1-downloadable',
      'rc-recent',
      'rc-unused-but-running',
      'upload-recent',
      'upload-unrecorded-young',
      'upload-used',
    ]);
    const caches = await pool.query<{ store_key: string }>(
      'SELECT store_key FROM resource_caches ORDER BY 1',
    );
    assert.deepEqual(
      caches.rows.map((r) => r.store_key),
      ['rc-recent', 'rc-unused-but-running'],
    );
  });

  it('clears temporary files of cut-off writers but not those being written', async () => {
    assert.deepEqual(await readdir(join(dir, 'incoming')), ['being-written.456']);
  });

  it('deletes nothing more when run again', async () => {
    const report = await collectArtifacts(store, pool, settings, now);
    assert.deepEqual(report.deleted, []);
  });
});
