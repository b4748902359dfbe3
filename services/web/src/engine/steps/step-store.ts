// Progress of plan nodes in build_steps: what a replica taking over a build reads to skip
// finished steps and to follow running ones instead of starting them again.
import type { Pool, PoolClient } from '@jetbridge/db';
import type { StepJobInput } from '@jetbridge/bus';
import type { BuildEvent } from '../../builds/index.ts';
import type { ArtifactSource } from '../plan/artifacts.ts';

export type StepState = 'running' | 'succeeded' | 'failed' | 'errored' | 'aborted';

/** What the executor reported when the process ended. */
export interface StepExit {
  exitStatus?: number;
  stdout?: string;
  /** The step could not run at all. */
  error?: string;
  /** Its outputs are tars on the artifact claim, under `archivedOutputKey`. */
  outputsArchived?: boolean;
}

export interface StepResult {
  /** Container steps: the job as published, so a takeover publishes the very same job. */
  job?: StepJobInput;
  /** Emitted when the executor reports the process started. */
  startEvent?: BuildEvent;
  /** The executor reported the command started: a takeover may only follow it. */
  started?: boolean;
  exit?: StepExit;
  /** An image get: the image it produced. */
  image?: { ref: string; env: string[] };
  /** Artifacts the step produced, by name. */
  artifacts?: Record<string, ArtifactSource>;
  version?: Record<string, string>;
  metadata?: Array<{ name: string; value: string }>;
  /** load_var: the value it set. */
  localVar?: { name: string; value: unknown };
  /** timeout modifiers: when the step runs out of time (ms since the epoch). */
  deadline?: number;
  [key: string]: unknown;
}

export interface StepRow {
  planId: string;
  state: StepState;
  result: StepResult;
}

type Queryable = Pool | PoolClient;

export async function loadStep(
  db: Queryable,
  buildId: number,
  planId: string,
): Promise<StepRow | null> {
  const found = await db.query<{ state: StepState; result: StepResult | null }>(
    'SELECT state, result FROM build_steps WHERE build_id = $1 AND plan_id = $2',
    [buildId, planId],
  );
  const row = found.rows[0];
  return row ? { planId, state: row.state, result: row.result ?? {} } : null;
}

export async function insertStep(
  db: Queryable,
  buildId: number,
  planId: string,
  state: StepState,
  result: StepResult,
): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO build_steps (build_id, plan_id, state, result) VALUES ($1, $2, $3, $4)
     ON CONFLICT (build_id, plan_id) DO NOTHING`,
    [buildId, planId, state, JSON.stringify(result)],
  );
  return inserted.rowCount === 1;
}

/** Sets the state and merges `patch` into the stored result. */
export async function updateStep(
  db: Queryable,
  buildId: number,
  planId: string,
  state: StepState,
  patch: StepResult,
): Promise<void> {
  await db.query(
    `UPDATE build_steps SET state = $3, result = COALESCE(result, '{}'::jsonb) || $4::jsonb,
       updated_at = now()
     WHERE build_id = $1 AND plan_id = $2`,
    [buildId, planId, state, JSON.stringify(patch)],
  );
}

export function isFinished(state: StepState): boolean {
  return state !== 'running';
}
