// Build log retention: old builds of a job lose their events; the builds themselves stay.
import type { PoolClient } from '@jetbridge/db';
import type { JobConfig } from '@jetbridge/pipeline';

interface Retention {
  builds: number;
  minimumSucceeded: number;
  days: number;
}

function retentionOf(config: JobConfig): Retention | null {
  const r = config.build_log_retention;
  const builds = r?.builds ?? config.build_logs_to_retain ?? 0;
  const days = r?.days ?? 0;
  if (builds <= 0 && days <= 0) return null;
  return { builds, minimumSucceeded: r?.minimum_succeeded_builds ?? 0, days };
}

/**
 * Keeps the logs of the newest `builds` finished builds that are also younger than `days` (either
 * limit alone when only one is set), plus the newest `minimum_succeeded_builds` succeeded builds
 * whatever their age. Running builds are never reaped. Returns how many builds were reaped.
 */
export async function reapBuildLogs(
  client: PoolClient,
  jobId: number,
  config: JobConfig,
): Promise<number> {
  const retention = retentionOf(config);
  if (!retention) return 0;

  const builds = await client.query<{ id: number; status: string; expired: boolean }>(
    `SELECT id, status, (end_time < now() - make_interval(days => $2)) AS expired
     FROM builds WHERE job_id = $1 AND reap_time IS NULL AND status NOT IN ('pending', 'started')
     ORDER BY id DESC`,
    [jobId, retention.days],
  );
  const reap: number[] = [];
  let kept = 0;
  let keptSucceeded = 0;
  for (const build of builds.rows) {
    const withinCount = retention.builds <= 0 || kept < retention.builds;
    const withinDays = retention.days <= 0 || !build.expired;
    const neededSucceeded =
      build.status === 'succeeded' && keptSucceeded < retention.minimumSucceeded;
    if ((withinCount && withinDays) || neededSucceeded) {
      kept++;
      if (build.status === 'succeeded') keptSucceeded++;
    } else {
      reap.push(build.id);
    }
  }
  if (reap.length === 0) return 0;

  await client.query('DELETE FROM build_events WHERE build_id = ANY($1::int[])', [reap]);
  await client.query('UPDATE builds SET reap_time = now() WHERE id = ANY($1::int[])', [reap]);
  await client.query(
    `UPDATE jobs SET first_logged_build_id = COALESCE(
       (SELECT min(id) FROM builds WHERE job_id = $1 AND reap_time IS NULL), 0)
     WHERE id = $1`,
    [jobId],
  );
  return reap.length;
}
