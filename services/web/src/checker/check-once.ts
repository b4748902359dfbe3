// One pass of the resource checker, under one lock across all web replicas: requested checks
// first, then every scope whose interval elapsed. A scope never has two checks running.
import { withTryLock, type Pool, type PoolClient } from '@jetbridge/db';
import type { Logger } from '@jetbridge/telemetry';
import { finishBuild } from '../builds/index.ts';
import type { Checkable } from './check-plan.ts';
import { loadCheckable, loadPeriodicCheckables, type CheckCandidate } from './load-checkables.ts';
import { recordCheckResults } from './record-check-results.ts';
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
}

const DEFAULT_INTERVAL = '1m';

interface PendingCheck {
  id: number;
  resource_id: number | null;
  resource_type_id: number | null;
  aborted: boolean;
  plan: { check?: { from_version?: Record<string, string> } } | null;
}

async function startRequestedChecks(client: PoolClient, log: Logger): Promise<number> {
  const pending = await client.query<PendingCheck>(
    `SELECT id, resource_id, resource_type_id, aborted, plan FROM builds
     WHERE status = 'pending' AND job_id IS NULL
       AND (resource_id IS NOT NULL OR resource_type_id IS NOT NULL)
     ORDER BY id`,
  );
  let started = 0;
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
    if (target.inFlight) continue;
    await startCheck(client, target, {
      buildId: build.id,
      fromVersion: build.plan?.check?.from_version ?? null,
    });
    log.info({ build_id: build.id, [kind]: target.name }, 'requested-check-started');
    started++;
  }
  return started;
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
  if (c.inFlight) return false;
  const interval = await intervalMs(client, cache, c.checkEvery ?? DEFAULT_INTERVAL);
  if (interval === null) return false;
  return c.sinceLastCheckMs === null || c.sinceLastCheckMs >= interval;
}

async function checkPass(client: PoolClient, log: Logger): Promise<CheckPassResult> {
  await recordCheckResults(client);
  const requested = await startRequestedChecks(client, log);

  let periodic = 0;
  const intervals = new Map<string, number | null>();
  for (const target of await loadPeriodicCheckables(client)) {
    if (!(await isDue(client, intervals, target))) continue;
    const buildId = await startCheck(client, target);
    log.debug({ build_id: buildId, [target.kind]: target.name }, 'check-started');
    periodic++;
  }
  return { requested, periodic };
}

/** Returns null when another replica's pass holds the lock right now. */
export async function checkOnce(deps: CheckerDeps): Promise<CheckPassResult | null> {
  const log = deps.logger;
  const locked = await withTryLock(deps.pool, 'resource-checker', (client) =>
    checkPass(client, log),
  );
  return locked?.value ?? null;
}
