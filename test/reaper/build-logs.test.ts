// Old build logs are reaped by the reaper's leader once per GC interval, by each job's
// build_log_retention and the operator's bounds, as Concourse's build log collector does: the
// events go, the build keeps its row with a reap_time. Running builds, paused jobs and paused
// pipelines keep everything.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Reaper } from '@jetbridge/reaper';
import { startInProcess, type InProcess } from './in-process.ts';

interface JobSpec {
  config: Record<string, unknown>;
  isPipelinePaused?: boolean;
  isJobPaused?: boolean;
  /** statuses oldest first; each build gets three events */
  builds: string[];
}

let pipelines = 0;

/** A pipeline with one job and its builds; returns the job's id and its build ids, oldest first. */
async function createJob(w: InProcess, spec: JobSpec): Promise<{ job: number; builds: number[] }> {
  pipelines += 1;
  const pipeline = await w.pool.query<{ id: number }>(
    `INSERT INTO pipelines (team_id, name, paused) VALUES ($1, $2, $3) RETURNING id`,
    [w.teamId, `p${pipelines}`, spec.isPipelinePaused ?? false],
  );
  const job = await w.pool.query<{ id: number }>(
    `INSERT INTO jobs (pipeline_id, name, config, paused) VALUES ($1, 'unit', $2, $3) RETURNING id`,
    [
      pipeline.rows[0]!.id,
      JSON.stringify({ name: 'unit', plan: [], ...spec.config }),
      spec.isJobPaused ?? false,
    ],
  );
  const builds: number[] = [];
  for (const [index, status] of spec.builds.entries()) {
    const isRunning = status === 'started' || status === 'pending';
    const build = await w.pool.query<{ id: number }>(
      `INSERT INTO builds (team_id, pipeline_id, job_id, name, status, start_time, end_time)
       VALUES ($1, $2, $3, $4, $5, now(), CASE WHEN $6 THEN NULL ELSE now() END) RETURNING id`,
      [w.teamId, pipeline.rows[0]!.id, job.rows[0]!.id, String(index + 1), status, isRunning],
    );
    const id = build.rows[0]!.id;
    builds.push(id);
    await w.pool.query(
      `INSERT INTO build_events (build_id, event_id, type, version, data)
       SELECT $1, n, 'log', '5.1', '{}' FROM generate_series(1, 3) n`,
      [id],
    );
  }
  return { job: job.rows[0]!.id, builds };
}

async function loggedBuilds(w: InProcess, builds: number[]): Promise<number[]> {
  const { rows } = await w.pool.query<{ id: number }>(
    `SELECT b.id FROM builds b WHERE b.id = ANY($1::int[]) AND b.reap_time IS NULL
       AND EXISTS (SELECT 1 FROM build_events e WHERE e.build_id = b.id) ORDER BY b.id`,
    [builds],
  );
  return rows.map((r) => r.id);
}

async function reapedBuilds(w: InProcess, builds: number[]): Promise<number[]> {
  const { rows } = await w.pool.query<{ id: number }>(
    `SELECT b.id FROM builds b WHERE b.id = ANY($1::int[]) AND b.reap_time IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM build_events e WHERE e.build_id = b.id) ORDER BY b.id`,
    [builds],
  );
  return rows.map((r) => r.id);
}

describe('build log retention in the reaper', { timeout: 120_000 }, () => {
  let w: InProcess;
  let leader: Reaper;

  before(async () => {
    w = await startInProcess('reaper-build-logs');
    leader = await w.startReaper({
      buildLogRetention: { defaultBuilds: 0, maxBuilds: 3, defaultDays: 0, maxDays: 0 },
    });
  });
  after(() => w?.close());

  it("reaps the oldest finished builds past a job's count, never a running one", async () => {
    const { job, builds } = await createJob(w, {
      config: { build_log_retention: { builds: 2 } },
      builds: ['failed', 'succeeded', 'started', 'failed', 'succeeded'],
    });
    const [b1, b2, b3, b4, b5] = builds as [number, number, number, number, number];

    assert.ok(((await leader.reapBuildLogs()) ?? 0) >= 2);

    assert.deepEqual(await reapedBuilds(w, builds), [b1, b2]);
    assert.deepEqual(await loggedBuilds(w, builds), [b3, b4, b5]);
    const { rows } = await w.pool.query('SELECT first_logged_build_id FROM jobs WHERE id = $1', [
      job,
    ]);
    assert.equal(rows[0].first_logged_build_id, b3);
  });

  it('keeps the newest succeeded builds asked for by minimum_succeeded_builds', async () => {
    const { builds } = await createJob(w, {
      config: { build_log_retention: { builds: 2, minimum_succeeded_builds: 1 } },
      builds: ['succeeded', 'failed', 'failed', 'failed'],
    });
    await leader.reapBuildLogs();
    assert.deepEqual(await loggedBuilds(w, builds), [builds[0], builds[3]]);
  });

  it('bounds every job by the operator maximum, also a job that names no retention', async () => {
    const { builds } = await createJob(w, {
      config: {},
      builds: ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded'],
    });
    await leader.reapBuildLogs();
    assert.deepEqual(await loggedBuilds(w, builds), builds.slice(2));
  });

  it('leaves the logs of paused pipelines and paused jobs alone', async () => {
    const paused = await createJob(w, {
      config: { build_logs_to_retain: 1 },
      isPipelinePaused: true,
      builds: ['failed', 'failed'],
    });
    const pausedJob = await createJob(w, {
      config: { build_logs_to_retain: 1 },
      isJobPaused: true,
      builds: ['failed', 'failed'],
    });
    await leader.reapBuildLogs();
    assert.deepEqual(await loggedBuilds(w, paused.builds), paused.builds);
    assert.deepEqual(await loggedBuilds(w, pausedJob.builds), pausedJob.builds);
  });

  it('reaps nothing from a standby replica', async () => {
    const standby = await w.startReaper({
      buildLogRetention: { defaultBuilds: 1, maxBuilds: 1, defaultDays: 0, maxDays: 0 },
    });
    const { builds } = await createJob(w, { config: {}, builds: ['failed', 'failed'] });
    assert.equal(await standby.reapBuildLogs(), null);
    assert.deepEqual(await loggedBuilds(w, builds), builds);
  });
});
