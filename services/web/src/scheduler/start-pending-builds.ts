// Starts a job's pending builds in order while max_in_flight, serial and serial_groups allow.
import type { PoolClient } from '@jetbridge/db';
import type { PipelineConfig } from '@jetbridge/pipeline';
import { inputsAwaitingCheck } from './input-checks.ts';
import type { JobRow, PipelineState } from './pipeline-state.ts';
import { resolveInputs, type Resolution, type ResolvedInput } from './resolve-inputs.ts';
import { startJobBuild, type StoredBuildInput } from './start-job-build.ts';

/** Reruns sort right after the build they rerun, so they go ahead of newer builds. */
const QUEUE_ORDER = 'ORDER BY COALESCE(rerun_of, id), id';

interface PendingBuild {
  id: number;
  rerun_of: number | null;
  manually_triggered: boolean;
}

/** Jobs whose running builds count against this job's limit: itself, or its serial groups. */
export function limitingJobs(state: PipelineState, job: JobRow): JobRow[] {
  const groups = job.summary.serialGroups;
  if (groups.length === 0) return [job];
  return state.jobs.filter((j) => j.summary.serialGroups.some((g) => groups.includes(g)));
}

export async function hasRoom(
  client: PoolClient,
  job: JobRow,
  limiting: JobRow[],
): Promise<boolean> {
  const max = job.summary.maxInFlight;
  if (max === 0) return true;
  const running = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM builds WHERE status = 'started' AND job_id = ANY($1::int[])`,
    [limiting.map((j) => j.id)],
  );
  return running.rows[0]!.n < max;
}

/** In a serial group, pending builds start in queue order across all jobs of the group. */
async function isNextInGroups(
  client: PoolClient,
  build: PendingBuild,
  job: JobRow,
  limiting: JobRow[],
): Promise<boolean> {
  if (job.summary.serialGroups.length === 0) return true;
  const runnable = limiting.filter((j) => !j.paused).map((j) => j.id);
  const first = await client.query<{ id: number }>(
    `SELECT id FROM builds WHERE status = 'pending' AND NOT aborted AND job_id = ANY($1::int[])
     ${QUEUE_ORDER} LIMIT 1`,
    [runnable],
  );
  return first.rows[0]?.id === build.id;
}

async function rerunInputs(
  client: PoolClient,
  originalId: number,
): Promise<ResolvedInput[] | null> {
  const found = await client.query<{ inputs: StoredBuildInput[] | null }>(
    'SELECT inputs FROM builds WHERE id = $1',
    [originalId],
  );
  const stored = found.rows[0]?.inputs;
  if (!stored) return null;
  return stored.map((i) => ({
    name: i.name,
    resourceId: i.resource_id,
    versionId: i.version_id,
    version: i.version,
    firstOccurrence: false,
    trigger: false,
  }));
}

/** Returns how many builds were started. */
export async function startPendingBuilds(
  client: PoolClient,
  state: PipelineState,
  job: JobRow,
  resolution: Resolution,
): Promise<number> {
  const pending = await client.query<PendingBuild>(
    `SELECT id, rerun_of, manually_triggered FROM builds
     WHERE job_id = $1 AND status = 'pending' AND NOT aborted ${QUEUE_ORDER}`,
    [job.id],
  );
  const limiting = limitingJobs(state, job);
  let started = 0;
  for (const build of pending.rows) {
    if (!(await hasRoom(client, job, limiting))) break;
    if (!(await isNextInGroups(client, build, job, limiting))) break;

    let inputs = build.rerun_of ? await rerunInputs(client, build.rerun_of) : null;
    if (!inputs && build.manually_triggered) {
      // Builds queued behind it wait too: they start in order.
      if ((await inputsAwaitingCheck(client, state, job, build.id)).length > 0) break;
      // The checks may have finished after this pass resolved the inputs: choose afresh.
      resolution = await resolveInputs(client, state, job.id, job.summary);
    }
    if (!inputs) {
      if (!resolution.satisfied) break;
      inputs = resolution.inputs;
    }
    if (await startJobBuild(client, build.id, state.config as PipelineConfig, job.name, inputs)) {
      started++;
    }
  }
  return started;
}
