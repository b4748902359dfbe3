// The reaper's leader has the artifact service collect tars and task cache directories nothing
// references, once per GC interval, under the keys they were written with; never what a step of
// a running build uses. A standby asks nothing.
import assert from 'node:assert/strict';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Reaper } from '@jetbridge/reaper';
import { eventually } from '../intercept/support.ts';
import { startInProcess, type InProcess } from './in-process.ts';

const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
const runningHandle = 'a'.repeat(32);
const finishedHandle = 'b'.repeat(32);

async function storeTar(w: InProcess, key: string, isOld = true): Promise<void> {
  const tars = join(w.dir, 'artifacts', 'tars');
  await mkdir(tars, { recursive: true });
  await writeFile(join(tars, `${key}.tar`), key);
  if (isOld) await utimes(join(tars, `${key}.tar`), hourAgo, hourAgo);
}

async function storedKeys(w: InProcess): Promise<string[]> {
  const names = await readdir(join(w.dir, 'artifacts', 'tars'));
  return names.map((n) => n.replace(/\.tar$/, '')).sort();
}

async function makeCacheDir(root: string, name: string): Promise<void> {
  await mkdir(join(root, 'caches', name), { recursive: true });
  await utimes(join(root, 'caches', name), hourAgo, hourAgo);
}

/** A started build whose running step was given `inputKey` and the cache `cacheKey`. */
async function runningBuild(w: InProcess, inputKey: string, cacheKey: string): Promise<number> {
  const { rows } = await w.pool.query<{ id: number }>(
    `INSERT INTO builds (team_id, name, status, start_time) VALUES ($1, '1', 'started', now())
     RETURNING id`,
    [w.teamId],
  );
  const buildId = rows[0]!.id;
  const job = {
    inputs: [{ name: 'in', path: 'in', source: { kind: 'artifact', key: inputKey } }],
    caches: [{ path: 'cache', key: cacheKey }],
  };
  await w.pool.query(
    `INSERT INTO build_steps (build_id, plan_id, state, result) VALUES ($1, 'p1', 'running', $2)`,
    [buildId, JSON.stringify({ job })],
  );
  await w.pool.query(
    `INSERT INTO containers (handle, pod_name, team_id, build_id, type, worker_name)
     VALUES ($1, 'step', $2, $3, 'task', 'k8s-reaper')`,
    [runningHandle, w.teamId, buildId],
  );
  return buildId;
}

describe('artifact store collection driven by the reaper', { timeout: 120_000 }, () => {
  let w: InProcess;
  let leader: Reaper;
  let standby: Reaper;
  let cacheDir: string;

  before(async () => {
    w = await startInProcess('reaper-artifact-gc');
    cacheDir = join(w.dir, 'cache');
    await w.startArtifacts(cacheDir);
    leader = await w.startReaper();
    standby = await w.startReaper();
  });
  after(() => w?.close());

  it('removes what nothing references and keeps what a running step uses', async () => {
    await runningBuild(w, 'upload-in-use', 'job-cache');
    await storeTar(w, 'upload-in-use');
    await storeTar(w, `out-${runningHandle}-0123456789abcdef`);
    await storeTar(w, `out-${finishedHandle}-0123456789abcdef`);
    await storeTar(w, 'upload-forgotten');
    await storeTar(w, 'upload-just-written', false);
    await makeCacheDir(cacheDir, 'job-cache');
    await makeCacheDir(cacheDir, 'orphan-cache');

    const report = await leader.collectArtifacts();

    assert.deepEqual(report, {
      deletedTars: 2,
      expiredUploads: 0,
      expiredResourceCaches: 0,
      clearedIncoming: 0,
      removedCacheDirs: 1,
    });
    assert.deepEqual(await storedKeys(w), [
      `out-${runningHandle}-0123456789abcdef`,
      'upload-in-use',
      'upload-just-written',
    ]);
    assert.deepEqual(await readdir(join(cacheDir, 'caches')), ['job-cache']);
  });

  it('asks nothing from a standby; only the leader collects', async () => {
    await storeTar(w, 'upload-orphan-again');
    assert.equal(await standby.collectArtifacts(), null);
    assert.ok((await storedKeys(w)).includes('upload-orphan-again'));

    const report = await leader.collectArtifacts();
    assert.equal(report?.deletedTars, 1);
    assert.ok(!(await storedKeys(w)).includes('upload-orphan-again'));
  });

  it('shares one collection between requests that overlap', async () => {
    await storeTar(w, 'upload-overlap');
    const [first, second] = await Promise.all([
      leader.collectArtifacts(),
      leader.collectArtifacts(),
    ]);
    assert.equal(first, second);
    assert.equal(first?.deletedTars, 1);
  });
});

describe('the GC timer', { timeout: 120_000 }, () => {
  let w: InProcess;

  before(async () => {
    w = await startInProcess('reaper-gc-timer');
    await w.startArtifacts();
  });
  after(() => w?.close());

  it('collects the artifact store on every GC interval', async () => {
    await w.startReaper({ gcIntervalMs: 200 });
    await storeTar(w, 'upload-left-behind');
    await eventually(
      'the unreferenced tar is collected',
      async () => ((await storedKeys(w)).includes('upload-left-behind') ? undefined : true),
      10_000,
    );
  });
});

describe('without an artifact service', { timeout: 120_000 }, () => {
  let w: InProcess;
  let reaper: Reaper;

  before(async () => {
    w = await startInProcess('reaper-no-artifacts');
    reaper = await w.startReaper();
  });
  after(() => w?.close());

  it('fails the collection with the reason, and still sweeps pods', async () => {
    await assert.rejects(reaper.collectArtifacts(), /no responders for .*artifacts\.collect/);
    const report = await reaper.sweepOnce();
    assert.equal(report.isLeader, true);
  });
});
