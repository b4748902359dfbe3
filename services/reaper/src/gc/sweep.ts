// One garbage collection sweep: reconcile the pods of this worker with the containers table.
// Pods of running builds are never deleted; pods the database forgot are adopted or deleted;
// rows whose pod vanished are marked missing and removed after a grace.
import { performance } from 'node:perf_hooks';
import type { Pool } from '@jetbridge/db';
import { annotationKeys, labelKeys } from '@jetbridge/k8s';
import type { Logger } from '@jetbridge/telemetry';
import type { PodApi } from '../kube/pod-api.ts';
import type { ReaperSettings, SweepReport } from '../settings.ts';
import { emptyReport } from '../settings.ts';
import {
  isBuildRunning,
  loadBuilds,
  loadContainers,
  viewPod,
  type BuildRow,
  type ContainerRow,
  type PodView,
} from './cluster-state.ts';

type Action = 'keep' | 'mark-created' | 'delete' | 'adopt';

export interface SweepContext {
  pool: Pool;
  pods: PodApi;
  settings: ReaperSettings;
  workerName: string;
  logger: Logger;
}

function isPastGrace(build: BuildRow | undefined, settings: ReaperSettings, pod: PodView): boolean {
  if (!build) return pod.ageMs > settings.interceptGraceMs;
  if (isBuildRunning(build)) return false;
  return build.ended_ms_ago === null || build.ended_ms_ago > settings.interceptGraceMs;
}

export function decide(
  pod: PodView,
  row: ContainerRow | undefined,
  build: BuildRow | undefined,
  settings: ReaperSettings,
): Action {
  if (isBuildRunning(build)) {
    if (!row) return pod.handle ? 'adopt' : 'keep';
    return row.state === 'creating' && pod.isRunning ? 'mark-created' : 'keep';
  }
  if (row?.state === 'destroying') return 'delete';
  if (isPastGrace(build, settings, pod)) return 'delete';
  // A finished build inside its intercept grace: keep the pod findable until the grace ends.
  if (!row) return pod.handle && build ? 'adopt' : 'keep';
  return row.state === 'creating' && pod.isRunning ? 'mark-created' : 'keep';
}

/** Inserts rows for pods the database forgot, in one statement whatever their number. */
async function adopt(ctx: SweepContext, found: { pod: PodView; build: BuildRow }[]): Promise<void> {
  const column = (pick: (pod: PodView, build: BuildRow) => unknown) =>
    found.map(({ pod, build }) => pick(pod, build));
  await ctx.pool.query(
    `INSERT INTO containers (handle, pod_name, team_id, build_id, plan_id, pipeline_id, job_id,
                             type, step_name, attempt, state, worker_name)
     SELECT u.*, $11::text FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[],
                               $6::int[], $7::int[], $8::text[], $9::text[], $10::text[],
                               $12::text[]) AS u
     ON CONFLICT (handle) DO NOTHING`,
    [
      column((pod) => pod.handle),
      column((pod) => pod.name),
      column((_, build) => build.team_id),
      column((_, build) => build.id),
      column((pod) => pod.annotations[annotationKeys.planId] ?? null),
      column((_, build) => build.pipeline_id),
      column((_, build) => build.job_id),
      column((pod) => pod.annotations[annotationKeys.stepType] ?? 'task'),
      column((pod) => pod.annotations[annotationKeys.step] ?? ''),
      column((pod) => pod.annotations[annotationKeys.attempt] ?? ''),
      ctx.workerName,
      column((pod) => (pod.isRunning ? 'created' : 'creating')),
    ],
  );
}

export async function sweep(ctx: SweepContext): Promise<SweepReport> {
  const report = emptyReport(true);
  const callsBefore = ctx.pods.calls;
  const nowMs = Date.now();

  const listStart = performance.now();
  const pods = (await ctx.pods.listWorkerPods(labelKeys.worker)).map((p) => viewPod(p, nowMs));
  report.listMs = performance.now() - listStart;
  const rows = await loadContainers(ctx.pool, ctx.workerName);
  const buildIds = new Set<number>();
  for (const pod of pods) if (pod.buildId !== null) buildIds.add(pod.buildId);
  for (const row of rows.values()) if (row.build_id !== null) buildIds.add(row.build_id);
  const builds = await loadBuilds(ctx.pool, [...buildIds]);
  report.queries = 2;
  report.listed = pods.length;

  const seen = new Set<string>();
  const toDelete: PodView[] = [];
  const toMarkCreated: string[] = [];
  const toAdopt: { pod: PodView; build: BuildRow }[] = [];
  for (const pod of pods) {
    const row = pod.handle ? rows.get(pod.handle) : undefined;
    if (row) seen.add(row.handle);
    const buildId = row ? row.build_id : pod.buildId;
    const build = buildId === null ? undefined : builds.get(buildId);
    const action = pod.isTerminating ? 'keep' : decide(pod, row, build, ctx.settings);
    if (action === 'delete') toDelete.push(pod);
    if (action === 'mark-created' && row) toMarkCreated.push(row.handle);
    if (action === 'adopt' && build) toAdopt.push({ pod, build });
  }

  if (toAdopt.length > 0) {
    await adopt(ctx, toAdopt);
    report.queries += 1;
    report.adopted = toAdopt.length;
    for (const { pod, build } of toAdopt)
      ctx.logger.info({ pod: pod.name, handle: pod.handle, build_id: build.id }, 'pod-adopted');
  }

  const deleteStart = performance.now();
  const byHandle = toDelete.flatMap((p) => (p.handle ? [{ name: p.name, handle: p.handle }] : []));
  await ctx.pods.deletePods(byHandle, labelKeys.handle);
  for (const pod of toDelete) if (!pod.handle) await ctx.pods.deletePod(pod.name);
  report.deleteMs = performance.now() - deleteStart;
  for (const pod of toDelete) {
    report.deleted += 1;
    ctx.logger.info({ pod: pod.name, handle: pod.handle, build_id: pod.buildId }, 'pod-deleted');
  }
  const deletedHandles = toDelete.flatMap((p) => (p.handle ? [p.handle] : []));
  if (deletedHandles.length > 0) {
    await ctx.pool.query('DELETE FROM containers WHERE handle = ANY($1::text[])', [deletedHandles]);
    report.queries += 1;
  }
  if (toMarkCreated.length > 0) {
    await ctx.pool.query(
      `UPDATE containers SET state = 'created' WHERE handle = ANY($1::text[]) AND state = 'creating'`,
      [toMarkCreated],
    );
    report.queries += 1;
  }

  await reconcileMissing(ctx, rows, seen, report);
  report.apiCalls = ctx.pods.calls - callsBefore;
  return report;
}

async function reconcileMissing(
  ctx: SweepContext,
  rows: Map<string, ContainerRow>,
  seen: Set<string>,
  report: SweepReport,
): Promise<void> {
  const grace = ctx.settings.missingGraceMs ?? ctx.settings.gcIntervalMs * 2;
  const found: string[] = [];
  const newlyMissing: string[] = [];
  const expired: string[] = [];
  for (const row of rows.values()) {
    if (seen.has(row.handle)) {
      if (row.missing_for_ms !== null) found.push(row.handle);
    } else if (row.missing_for_ms === null) {
      newlyMissing.push(row.handle);
    } else if (row.missing_for_ms > grace) {
      expired.push(row.handle);
    }
  }
  const updates: [string, string[]][] = [
    ['UPDATE containers SET missing_since = NULL WHERE handle = ANY($1::text[])', found],
    [
      'UPDATE containers SET missing_since = now() WHERE handle = ANY($1::text[]) AND missing_since IS NULL',
      newlyMissing,
    ],
    [
      'DELETE FROM containers WHERE handle = ANY($1::text[]) AND missing_since IS NOT NULL',
      expired,
    ],
  ];
  for (const [sql, handles] of updates) {
    if (handles.length === 0) continue;
    await ctx.pool.query(sql, [handles]);
    report.queries += 1;
  }
  report.markedMissing = newlyMissing.length;
  report.removedRows = expired.length;
  if (expired.length > 0) ctx.logger.info({ handles: expired }, 'missing-containers-removed');
}
