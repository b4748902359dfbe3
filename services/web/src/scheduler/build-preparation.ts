// What keeps a pending job build from starting, as Concourse's build preparation shows it: a
// paused pipeline or job, max_in_flight, and for each input whether a version can be chosen.
import { inTransaction, type Pool, type PoolClient } from '@jetbridge/db';
import { candidateVersions } from './candidate-versions.ts';
import { inputsAwaitingCheck } from './input-checks.ts';
import { loadPipelineState, type JobRow, type PipelineState } from './pipeline-state.ts';
import { inputSpecs, resolveInputs } from './resolve-inputs.ts';
import { hasRoom, limitingJobs } from './start-pending-builds.ts';

export type PreparationStatus = 'blocking' | 'not_blocking';

export interface BuildPreparation {
  build_id: number;
  paused_pipeline: PreparationStatus;
  paused_job: PreparationStatus;
  max_running_builds: PreparationStatus;
  inputs: Record<string, PreparationStatus>;
  inputs_satisfied: PreparationStatus;
  missing_input_reasons: Record<string, string>;
}

interface PreparedBuild {
  id: number;
  status: string;
  pipelineId: number | null;
  jobId: number | null;
  rerunOf: number | null;
  manuallyTriggered: boolean;
}

const status = (blocking: boolean): PreparationStatus => (blocking ? 'blocking' : 'not_blocking');

function nothingBlocks(buildId: number): BuildPreparation {
  return {
    build_id: buildId,
    paused_pipeline: 'not_blocking',
    paused_job: 'not_blocking',
    max_running_builds: 'not_blocking',
    inputs: {},
    inputs_satisfied: 'not_blocking',
    missing_input_reasons: {},
  };
}

/** Per input: blocking with Concourse's reason, or not blocking. */
async function inputReadiness(
  client: PoolClient,
  state: PipelineState,
  job: JobRow,
  build: PreparedBuild,
): Promise<{ inputs: Record<string, PreparationStatus>; reasons: Record<string, string> }> {
  const inputs: Record<string, PreparationStatus> = {};
  const reasons: Record<string, string> = {};
  const specs = inputSpecs(state, job.summary);
  if (typeof specs === 'string') {
    for (const input of job.summary.inputs) {
      inputs[input.name] = 'blocking';
      reasons[input.name] = specs;
    }
    return { inputs, reasons };
  }

  const checking = new Set(
    build.manuallyTriggered ? await inputsAwaitingCheck(client, state, job, build.id) : [],
  );
  for (const spec of specs) {
    if (checking.has(spec.name)) {
      reasons[spec.name] = 'checking for latest available versions';
    } else if ((await candidateVersions(client, job.id, spec)).length === 0) {
      reasons[spec.name] =
        spec.passedJobIds.length > 0
          ? 'no versions satisfy passed constraints'
          : spec.pinned
            ? `pinned version ${JSON.stringify(spec.pinned)} is not available`
            : 'no versions available';
    }
    inputs[spec.name] = status(spec.name in reasons);
  }
  return { inputs, reasons };
}

async function prepare(client: PoolClient, build: PreparedBuild): Promise<BuildPreparation> {
  const state = await loadPipelineState(client, build.pipelineId!);
  const job = state?.jobs.find((j) => j.id === build.jobId);
  if (!state || !job) return nothingBlocks(build.id);

  const preparation: BuildPreparation = {
    ...nothingBlocks(build.id),
    paused_pipeline: status(state.paused),
    paused_job: status(job.paused),
    max_running_builds: status(!(await hasRoom(client, job, limitingJobs(state, job)))),
  };
  // A rerun takes the inputs of the build it reruns.
  if (build.rerunOf !== null) return preparation;

  const { inputs, reasons } = await inputReadiness(client, state, job, build);
  let satisfied = Object.keys(reasons).length === 0;
  if (satisfied && !(await resolveInputs(client, state, job.id, job.summary)).satisfied) {
    satisfied = false;
    for (const input of job.summary.inputs.filter((i) => (i.passed ?? []).length > 0)) {
      inputs[input.name] = 'blocking';
      reasons[input.name] = 'no versions satisfy passed constraints';
    }
  }
  return {
    ...preparation,
    inputs,
    inputs_satisfied: status(!satisfied),
    missing_input_reasons: reasons,
  };
}

/** Only a pending job build can be blocked; every other build shows nothing blocking. */
export async function buildPreparation(pool: Pool, buildId: number): Promise<BuildPreparation> {
  return inTransaction(pool, async (client) => {
    const found = await client.query<PreparedBuild>(
      `SELECT id, status, pipeline_id AS "pipelineId", job_id AS "jobId", rerun_of AS "rerunOf",
         manually_triggered AS "manuallyTriggered" FROM builds WHERE id = $1`,
      [buildId],
    );
    const build = found.rows[0];
    if (!build || build.status !== 'pending' || build.jobId === null || build.pipelineId === null) {
      return nothingBlocks(buildId);
    }
    return prepare(client, build);
  });
}
