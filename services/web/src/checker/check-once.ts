// One pass of the resource checker, under one lock across all web replicas: requested checks
// first, then every scope whose interval elapsed. A scope never has two checks running.
import { withTryLock, type Pool, type PoolClient } from '@jetbridge/db';
import type { Logger } from '@jetbridge/telemetry';
import { finishBuild } from '../builds/index.ts';
import { lastErrorMessageSql } from '../builds/last-error.ts';
import type { Checkable } from './check-plan.ts';
import { loadCheckable, loadPeriodicCheckables, type CheckCandidate } from './load-checkables.ts';
import { recordCheckResults } from './record-check-results.ts';
import type { RequestedCheckPlan } from './request-check.ts';
import { startCheck } from './start-check.ts';

export interface CheckerDeps {
  pool: Pool;
  logger: Logger;
}

export interface CheckPassResult {
  /** Check builds started for requests (API, webhooks). */
  requested: number;
  /** Check builds created because an interval elapsed. */
  periodic: number;
  /** Pipelines with requested checks left waiting for another check to finish. */
  waiting: number[];
}

const DEFAULT_INTERVAL = '1m';

interface PendingCheck {
  id: number;
  pipeline_id: number;
  resource_id: number | null;
  resource_type_id: number | null;
  aborted: boolean;
  plan: RequestedCheckPlan | null;
}

type Prerequisite = { state: 'running' } | { state: 'done' } | { state: 'failed'; message: string };

/** Where the check of the custom type below a requested check stands. */
async function prerequisite(
  client: PoolClient,
  buildId: number | undefined,
): Promise<Prerequisite> {
  if (buildId === undefined) return { state: 'done' };
  const found = await client.query<{ status: string; name: string | null; error: string | null }>(
    `SELECT b.status, rt.name,
       ${lastErrorMessageSql('b.id')} AS error
     FROM builds b LEFT JOIN resource_types rt ON rt.id = b.resource_type_id WHERE b.id = $1`,
    [buildId],
  );
  const row = found.rows[0];
  if (!row || row.status === 'succeeded') return { state: 'done' };
  if (row.status === 'pending' || row.status === 'started') return { state: 'running' };
  const reason = row.error ?? `check ${row.status}`;
  return { state: 'failed', message: `checking resource type '${row.name}' failed: ${reason}` };
}

async function startRequestedChecks(client: PoolClient, log: Logger, result: CheckPassResult) {
  const pending = await client.query<PendingCheck>(
    `SELECT id, pipeline_id, resource_id, resource_type_id, aborted, plan FROM builds
     WHERE status = 'pending' AND job_id IS NULL
       AND (resource_id IS NOT NULL OR resource_type_id IS NOT NULL)
     ORDER BY id`,
  );
  const waiting = new Set<number>();
  for (const build of pending.rows) {
    if (build.aborted) {
      await finishBuild(client, build.id, 'aborted');
      continue;
    }
    const kind: Checkable['kind'] = build.resource_id !== null ? 'resource' : 'resource_type';
    const target = await loadCheckable(
      client,
      kind,
      (build.resource_id ?? build.resource_type_id)!,
    );
    if (!target) {
      await finishBuild(client, build.id, 'errored');
      continue;
    }
    const before = await prerequisite(client, build.plan?.check?.after_build);
    if (target.inFlight || before.state === 'running') {
      waiting.add(build.pipeline_id);
      continue;
    }
    await startCheck(client, target, {
      buildId: build.id,
      fromVersion: build.plan?.check?.from_version ?? null,
      ...(before.state === 'failed' ? { failure: before.message } : {}),
    });
    log.info({ build_id: build.id, [kind]: target.name }, 'requested-check-started');
    result.requested++;
  }
  result.waiting = [...waiting];
}

/** Interval in ms, read by Postgres (which accepts Go's duration syntax); null = never. */
async function intervalMs(client: PoolClient, cache: Map<string, number | null>, text: string) {
  if (text === 'never') return null;
  if (cache.has(text)) return cache.get(text)!;
  await client.query('SAVEPOINT check_interval');
  let ms: number | null;
  try {
    const parsed = await client.query<{ ms: number }>(
      'SELECT extract(epoch FROM $1::interval) * 1000 AS ms',
      [text],
    );
    ms = Number(parsed.rows[0]!.ms);
    await client.query('RELEASE SAVEPOINT check_interval');
  } catch {
    await client.query('ROLLBACK TO SAVEPOINT check_interval');
    ms = null;
  }
  cache.set(text, ms);
  return ms;
}

async function isDue(client: PoolClient, cache: Map<string, number | null>, c: CheckCandidate) {
  if (c.inFlight || c.requested) return false;
  const interval = await intervalMs(client, cache, c.checkEvery ?? DEFAULT_INTERVAL);
  if (interval === null) return false;
  return c.sinceLastCheckMs === null || c.sinceLastCheckMs >= interval;
}

async function checkPass(client: PoolClient, log: Logger): Promise<CheckPassResult> {
  await recordCheckResults(client);
  const result: CheckPassResult = { requested: 0, periodic: 0, waiting: [] };
  await startRequestedChecks(client, log, result);

  const intervals = new Map<string, number | null>();
  for (const target of await loadPeriodicCheckables(client)) {
    if (!(await isDue(client, intervals, target))) continue;
    const buildId = await startCheck(client, target);
    log.debug({ build_id: buildId, [target.kind]: target.name }, 'check-started');
    result.periodic++;
  }
  return result;
}

/** Returns null when another replica's pass holds the lock right now. */
export async function checkOnce(deps: CheckerDeps): Promise<CheckPassResult | null> {
  const log = deps.logger;
  const locked = await withTryLock(deps.pool, 'resource-checker', (client) =>
    checkPass(client, log),
  );
  return locked?.value ?? null;
}
