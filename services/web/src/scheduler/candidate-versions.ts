// The versions one job input may take, in the order the scheduler prefers them.
import type { PoolClient } from '@jetbridge/db';

export interface InputSpec {
  name: string;
  resourceId: number;
  configHash: string;
  trigger: boolean;
  every: boolean;
  /** A step `version:` map or the resource's pin. */
  pinned: Record<string, string> | null;
  /** Upstream jobs the version must have passed (a succeeded build used or produced it). */
  passedJobIds: number[];
}

export interface Candidate {
  versionId: number;
  version: Record<string, string>;
  checkOrder: number;
  /** For each passed job, its succeeded builds that used or produced this version. */
  buildsByJob: Map<number, Set<number>>;
}

/** Enough history for any realistic resolution; older versions are never preferred anyway. */
const MAX_CANDIDATES = 1000;

interface Row {
  id: number;
  version: Record<string, string>;
  check_order: number;
}

async function plainCandidates(client: PoolClient, input: InputSpec): Promise<Candidate[]> {
  const found = await client.query<Row>(
    `SELECT id, version, check_order FROM resource_versions
     WHERE resource_id = $1 AND config_hash = $2 AND enabled AND version @> $3::jsonb
     ORDER BY check_order DESC LIMIT $4`,
    [input.resourceId, input.configHash, JSON.stringify(input.pinned ?? {}), MAX_CANDIDATES],
  );
  return found.rows.map((r) => ({
    versionId: r.id,
    version: r.version,
    checkOrder: r.check_order,
    buildsByJob: new Map(),
  }));
}

async function passedCandidates(client: PoolClient, input: InputSpec): Promise<Candidate[]> {
  const found = await client.query<Row & { job_id: number; build_ids: number[] }>(
    `SELECT v.id, v.version, v.check_order, b.job_id, array_agg(DISTINCT b.id) AS build_ids
     FROM resource_versions v
     JOIN build_resource_versions brv ON brv.resource_id = v.resource_id AND brv.version_id = v.id
     JOIN builds b ON b.id = brv.build_id
     WHERE v.resource_id = $1 AND v.config_hash = $2 AND v.enabled AND v.version @> $3::jsonb
       AND b.status = 'succeeded' AND b.job_id = ANY($4::int[])
     GROUP BY v.id, b.job_id`,
    [input.resourceId, input.configHash, JSON.stringify(input.pinned ?? {}), input.passedJobIds],
  );
  const byVersion = new Map<number, Candidate>();
  for (const r of found.rows) {
    let candidate = byVersion.get(r.id);
    if (!candidate) {
      candidate = {
        versionId: r.id,
        version: r.version,
        checkOrder: r.check_order,
        buildsByJob: new Map(),
      };
      byVersion.set(r.id, candidate);
    }
    candidate.buildsByJob.set(r.job_id, new Set(r.build_ids));
  }
  return [...byVersion.values()]
    .filter((c) => input.passedJobIds.every((id) => c.buildsByJob.has(id)))
    .sort((a, b) => b.checkOrder - a.checkOrder);
}

/** The highest check order this job has used for the input, or null if it never ran with it. */
async function lastUsedOrder(client: PoolClient, jobId: number, input: InputSpec) {
  const found = await client.query<{ check_order: number | null }>(
    `SELECT max(v.check_order) AS check_order FROM build_resource_versions brv
     JOIN builds b ON b.id = brv.build_id
     JOIN resource_versions v ON v.id = brv.version_id
     WHERE b.job_id = $1 AND brv.name = $2 AND brv.is_input
       AND v.resource_id = $3 AND v.config_hash = $4`,
    [jobId, input.name, input.resourceId, input.configHash],
  );
  return found.rows[0]?.check_order ?? null;
}

/**
 * Newest first; with `version: every` the version right after the last one the job used comes
 * first (then the following ones), so each version gets its own build. A pinned input takes only
 * the pinned version.
 */
export async function candidateVersions(
  client: PoolClient,
  jobId: number,
  input: InputSpec,
): Promise<Candidate[]> {
  const all = input.passedJobIds.length
    ? await passedCandidates(client, input)
    : await plainCandidates(client, input);
  if (input.pinned) return all.slice(0, 1);
  if (!input.every) return all;

  const last = await lastUsedOrder(client, jobId, input);
  if (last === null) return all;
  const next = all.filter((c) => c.checkOrder > last).reverse();
  return [...next, ...all.filter((c) => c.checkOrder <= last)];
}
