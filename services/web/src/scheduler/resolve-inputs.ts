// Chooses one version per job input so that every `passed` constraint holds together: inputs that
// name the same upstream job must take versions from the same build of that job.
import type { PoolClient } from '@jetbridge/db';
import type { JobSummary } from '@jetbridge/pipeline';
import { candidateVersions, type Candidate, type InputSpec } from './candidate-versions.ts';
import type { PipelineState } from './pipeline-state.ts';

export interface ResolvedInput {
  name: string;
  resourceId: number;
  versionId: number;
  version: Record<string, string>;
  /** The job never ran with this version as this input before. */
  firstOccurrence: boolean;
  trigger: boolean;
}

export type Resolution =
  { satisfied: true; inputs: ResolvedInput[] } | { satisfied: false; reason: string };

/** Bounds the backtracking on pathological histories; giving up leaves the job waiting. */
const MAX_VISITS = 10_000;

/** The job's inputs as the version search reads them, or why they cannot be read. */
export function inputSpecs(state: PipelineState, job: JobSummary): InputSpec[] | string {
  const jobIds = new Map(state.jobs.map((j) => [j.name, j.id]));
  const specs: InputSpec[] = [];
  for (const input of job.inputs) {
    const resource = state.resources.get(input.resource);
    if (!resource) return `resource '${input.resource}' not found`;
    const passedJobIds: number[] = [];
    for (const name of input.passed ?? []) {
      const id = jobIds.get(name);
      if (id === undefined) return `passed job '${name}' not found`;
      passedJobIds.push(id);
    }
    const stepPin = typeof input.version === 'object' ? input.version : null;
    specs.push({
      name: input.name,
      resourceId: resource.id,
      configHash: resource.configHash,
      trigger: input.trigger,
      every: input.version === 'every',
      pinned: stepPin ?? resource.pinnedVersion,
      passedJobIds,
    });
  }
  return specs;
}

function search(specs: InputSpec[], candidates: Candidate[][]): Candidate[] | null {
  let visits = 0;
  const walk = (i: number, constraints: Map<number, Set<number>>): Candidate[] | null => {
    if (i === specs.length) return [];
    for (const candidate of candidates[i]!) {
      if (++visits > MAX_VISITS) return null;
      let next = constraints;
      let consistent = true;
      for (const jobId of specs[i]!.passedJobIds) {
        const builds = candidate.buildsByJob.get(jobId)!;
        const before = next.get(jobId);
        const common = before ? new Set([...builds].filter((b) => before.has(b))) : builds;
        if (common.size === 0) {
          consistent = false;
          break;
        }
        if (next === constraints) next = new Map(constraints);
        next.set(jobId, common);
      }
      if (!consistent) continue;
      const rest = walk(i + 1, next);
      if (rest) return [candidate, ...rest];
    }
    return null;
  };
  return walk(0, new Map());
}

async function isFirstOccurrence(
  client: PoolClient,
  jobId: number,
  name: string,
  versionId: number,
): Promise<boolean> {
  const found = await client.query(
    `SELECT 1 FROM build_resource_versions brv JOIN builds b ON b.id = brv.build_id
     WHERE b.job_id = $1 AND brv.name = $2 AND brv.version_id = $3 AND brv.is_input LIMIT 1`,
    [jobId, name, versionId],
  );
  return found.rowCount === 0;
}

export async function resolveInputs(
  client: PoolClient,
  state: PipelineState,
  jobId: number,
  job: JobSummary,
): Promise<Resolution> {
  const specs = inputSpecs(state, job);
  if (typeof specs === 'string') return { satisfied: false, reason: specs };

  const candidates: Candidate[][] = [];
  for (const spec of specs) {
    const found = await candidateVersions(client, jobId, spec);
    if (found.length === 0) return { satisfied: false, reason: `no versions for '${spec.name}'` };
    candidates.push(found);
  }
  const chosen = search(specs, candidates);
  if (!chosen) return { satisfied: false, reason: 'no versions satisfy the passed constraints' };

  const inputs: ResolvedInput[] = [];
  for (const [i, spec] of specs.entries()) {
    const candidate = chosen[i]!;
    inputs.push({
      name: spec.name,
      resourceId: spec.resourceId,
      versionId: candidate.versionId,
      version: candidate.version,
      firstOccurrence: await isFirstOccurrence(client, jobId, spec.name, candidate.versionId),
      trigger: spec.trigger,
    });
  }
  return { satisfied: true, inputs };
}
