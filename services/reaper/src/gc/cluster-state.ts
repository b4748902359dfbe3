// What one sweep knows: the pods listed and the container and build rows they relate to, read
// in two queries whatever the number of pods.
import type { Pool } from '@jetbridge/db';
import { annotationKeys, labelKeys } from '@jetbridge/k8s';
import type { V1Pod } from '@kubernetes/client-node';

export interface ContainerRow {
  handle: string;
  pod_name: string;
  state: string;
  build_id: number | null;
  missing_for_ms: number | null;
  age_ms: number;
}

export interface BuildRow {
  id: number;
  team_id: number;
  pipeline_id: number | null;
  job_id: number | null;
  status: string;
  ended_ms_ago: number | null;
}

export interface PodView {
  name: string;
  handle: string | null;
  buildId: number | null;
  isRunning: boolean;
  /** deletion already requested; the pod is on its way out */
  isTerminating: boolean;
  ageMs: number;
  annotations: Record<string, string>;
}

export function viewPod(pod: V1Pod, nowMs: number): PodView {
  const labels = pod.metadata?.labels ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  const buildText = annotations[annotationKeys.buildId] ?? labels[labelKeys.build];
  const buildId = buildText && /^\d+$/.test(buildText) ? Number(buildText) : null;
  const created = pod.metadata?.creationTimestamp
    ? new Date(pod.metadata.creationTimestamp).getTime()
    : nowMs;
  return {
    name: pod.metadata?.name ?? '',
    handle: labels[labelKeys.handle] ?? null,
    buildId,
    isRunning: pod.status?.phase === 'Running',
    isTerminating: Boolean(pod.metadata?.deletionTimestamp),
    ageMs: nowMs - created,
    annotations,
  };
}

export async function loadContainers(
  pool: Pool,
  workerName: string,
): Promise<Map<string, ContainerRow>> {
  const { rows } = await pool.query<ContainerRow>(
    `SELECT handle, pod_name, state, build_id,
            (extract(epoch FROM now() - missing_since) * 1000)::float8 AS missing_for_ms,
            (extract(epoch FROM now() - created_at) * 1000)::float8 AS age_ms
       FROM containers WHERE worker_name = $1`,
    [workerName],
  );
  return new Map(rows.map((row) => [row.handle, row]));
}

export async function loadBuilds(pool: Pool, ids: number[]): Promise<Map<number, BuildRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await pool.query<BuildRow>(
    `SELECT id, team_id, pipeline_id, job_id, status,
            (extract(epoch FROM now() - end_time) * 1000)::float8 AS ended_ms_ago
       FROM builds WHERE id = ANY($1::int[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** A build that is pending or started may still need its pods: the engine has not collected them. */
export function isBuildRunning(build: BuildRow | undefined): boolean {
  return build !== undefined && (build.status === 'pending' || build.status === 'started');
}
