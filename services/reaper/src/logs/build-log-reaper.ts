// Build log retention, run by the reaper's leader once per GC interval as Concourse's build log
// collector runs: for every job of an unpaused pipeline that is not paused itself, the events of
// builds past its retention are deleted and the build keeps its row with a `reap_time`.
import type { Pool } from '@jetbridge/db';
import type { Logger } from '@jetbridge/telemetry';
import {
  isRetentionSet,
  planReaping,
  retentionOf,
  type JobRetentionConfig,
  type RetentionBounds,
} from './retention.ts';

interface JobRow {
  id: number;
  config: JobRetentionConfig;
}

interface BuildRow {
  id: number;
  status: string;
  is_expired: boolean;
}

async function reapJob(
  pool: Pool,
  job: JobRow,
  bounds: RetentionBounds,
  logger: Logger,
): Promise<number> {
  const retention = retentionOf(job.config, bounds);
  if (!isRetentionSet(retention)) return 0;

  const { rows } = await pool.query<BuildRow>(
    `SELECT id, status,
            coalesce(end_time < now() - make_interval(days => $2), false) AS is_expired
       FROM builds WHERE job_id = $1 AND reap_time IS NULL
      ORDER BY id DESC`,
    [job.id, retention.days],
  );
  const plan = planReaping(
    rows.map((b) => ({
      id: b.id,
      status: b.status,
      isExpired: b.is_expired,
      isRunning: b.status === 'pending' || b.status === 'started',
    })),
    retention,
  );
  if (plan.reap.length > 0) {
    await pool.query(
      `WITH reaped AS (
         UPDATE builds SET reap_time = now()
          WHERE id = ANY($1::int[]) AND reap_time IS NULL AND status NOT IN ('pending', 'started')
          RETURNING id)
       DELETE FROM build_events WHERE build_id IN (SELECT id FROM reaped)`,
      [plan.reap],
    );
    logger.info({ job_id: job.id, builds: plan.reap.length }, 'build-logs-reaped');
  }
  if (plan.firstLoggedBuildId > 0) {
    await pool.query(
      `UPDATE jobs SET first_logged_build_id = $2 WHERE id = $1 AND first_logged_build_id < $2`,
      [job.id, plan.firstLoggedBuildId],
    );
  }
  return plan.reap.length;
}

/** Reaps the logs of every job's builds past its retention; returns how many builds lost them. */
export async function reapBuildLogs(
  pool: Pool,
  bounds: RetentionBounds,
  logger: Logger,
): Promise<number> {
  // Without operator bounds only jobs that name a retention can have logs to reap.
  const isAnyBound = Object.values(bounds).some((n) => n > 0);
  const { rows: jobs } = await pool.query<JobRow>(
    `SELECT j.id, j.config FROM jobs j JOIN pipelines p ON p.id = j.pipeline_id
      WHERE j.active AND NOT j.paused AND NOT p.paused AND NOT p.archived
        AND ($1 OR j.config ? 'build_log_retention' OR j.config ? 'build_logs_to_retain')
      ORDER BY j.id`,
    [isAnyBound],
  );
  let reaped = 0;
  for (const job of jobs) reaped += await reapJob(pool, job, bounds, logger);
  return reaped;
}
