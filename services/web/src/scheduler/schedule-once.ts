// One scheduling pass over one pipeline, under the pipeline's lock so that across all web
// replicas only one pass runs at a time.
import { channels, withTryLock, type Pool, type PoolClient } from '@jetbridge/db';
import type { Logger } from '@jetbridge/telemetry';
import { finishBuild } from '../builds/index.ts';
import { ensurePendingBuild } from './create-job-build.ts';
import { loadPipelineState, type JobRow, type PipelineState } from './pipeline-state.ts';
import { resolveInputs } from './resolve-inputs.ts';
import { startPendingBuilds } from './start-pending-builds.ts';

export interface SchedulerDeps {
  pool: Pool;
  logger: Logger;
}

export interface ScheduleResult {
  created: number;
  started: number;
  aborted: number;
}

async function finishAbortedPendingBuilds(client: PoolClient, pipelineId: number) {
  const aborted = await client.query<{ id: number }>(
    `SELECT id FROM builds WHERE pipeline_id = $1 AND job_id IS NOT NULL AND status = 'pending'
       AND aborted ORDER BY id`,
    [pipelineId],
  );
  for (const build of aborted.rows) await finishBuild(client, build.id, 'aborted');
  return aborted.rowCount ?? 0;
}

async function scheduleJob(
  client: PoolClient,
  state: PipelineState,
  job: JobRow,
  result: ScheduleResult,
  log: Logger,
): Promise<void> {
  const resolution = await resolveInputs(client, state, job.id, job.summary);
  if (!resolution.satisfied) {
    log.debug({ job: job.name, reason: resolution.reason }, 'inputs-not-satisfied');
  } else {
    const hasNewInputs = resolution.inputs.some((i) => i.firstOccurrence);
    if (hasNewInputs !== job.hasNewInputs) {
      await client.query('UPDATE jobs SET has_new_inputs = $2 WHERE id = $1', [
        job.id,
        hasNewInputs,
      ]);
    }
    if (resolution.inputs.some((i) => i.trigger && i.firstOccurrence)) {
      const created = await ensurePendingBuild(client, state.teamId, state.id, job.id);
      if (created !== null) {
        result.created++;
        log.info({ job: job.name, build_id: created }, 'build-created');
      }
    }
  }
  result.started += await startPendingBuilds(client, state, job, resolution);
}

async function schedulePipeline(
  client: PoolClient,
  pipelineId: number,
  log: Logger,
): Promise<ScheduleResult> {
  const result: ScheduleResult = { created: 0, started: 0, aborted: 0 };
  result.aborted = await finishAbortedPendingBuilds(client, pipelineId);

  const state = await loadPipelineState(client, pipelineId);
  if (!state || state.paused || state.archived || !state.config) return result;

  for (const job of state.jobs) {
    if (job.paused) continue;
    await client.query('SAVEPOINT schedule_job');
    try {
      await scheduleJob(client, state, job, result, log);
      await client.query('RELEASE SAVEPOINT schedule_job');
    } catch (err) {
      await client.query('ROLLBACK TO SAVEPOINT schedule_job');
      log.error({ err, job: job.name }, 'failed-to-schedule-job');
    }
  }

  // A created build may leave more to do (`version: every` takes one version per pass).
  if (result.created > 0) {
    await client.query('SELECT pg_notify($1, $2)', [channels.schedule, String(pipelineId)]);
  }
  return result;
}

/** Returns null when another pass over this pipeline holds the lock right now. */
export async function scheduleOnce(
  deps: SchedulerDeps,
  pipelineId: number,
): Promise<ScheduleResult | null> {
  const log = deps.logger.child({ pipeline_id: pipelineId });
  const locked = await withTryLock(deps.pool, `schedule:pipeline:${pipelineId}`, (client) =>
    schedulePipeline(client, pipelineId, log),
  );
  return locked?.value ?? null;
}
