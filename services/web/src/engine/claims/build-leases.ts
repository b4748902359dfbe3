// Which replica drives which started build: a lease in the builds row, claimed with SKIP LOCKED so
// replicas never wait on each other, renewed while the build runs, taken over once it expires.
import type { Pool } from '@jetbridge/db';

/** Claims up to `limit` started builds that have no live owner. */
export async function claimBuilds(
  pool: Pool,
  owner: string,
  leaseMs: number,
  exclude: number[],
  limit: number,
): Promise<number[]> {
  const claimed = await pool.query<{ id: number }>(
    `UPDATE builds SET owner = $1, lease_until = now() + $2 * interval '1 millisecond'
     WHERE id IN (
       SELECT id FROM builds
       WHERE status = 'started'
         AND (owner IS NULL OR owner = $1 OR lease_until IS NULL OR lease_until < now())
         AND NOT (id = ANY($3::int[]))
       ORDER BY id
       LIMIT $4
       FOR UPDATE SKIP LOCKED
     )
     RETURNING id`,
    [owner, leaseMs, exclude, limit],
  );
  return claimed.rows.map((r) => r.id).sort((a, b) => a - b);
}

export interface RenewedBuild {
  id: number;
  aborted: boolean;
}

/** Extends the leases this replica still holds; a build missing from the answer is lost. */
export async function renewLeases(
  pool: Pool,
  owner: string,
  leaseMs: number,
  ids: number[],
): Promise<RenewedBuild[]> {
  if (ids.length === 0) return [];
  const renewed = await pool.query<RenewedBuild>(
    `UPDATE builds SET lease_until = now() + $2 * interval '1 millisecond'
     WHERE owner = $1 AND status = 'started' AND id = ANY($3::int[])
     RETURNING id, aborted`,
    [owner, leaseMs, ids],
  );
  return renewed.rows;
}

/** Which of `ids` have finished; a build that was deleted is not among them. */
export async function finishedBuilds(pool: Pool, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const finished = await pool.query<{ id: number }>(
    `SELECT id FROM builds WHERE id = ANY($1::int[]) AND status NOT IN ('pending', 'started')`,
    [ids],
  );
  return new Set(finished.rows.map((r) => r.id));
}

/** Gives up builds on shutdown so another replica continues them at once. */
export async function releaseBuilds(pool: Pool, owner: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await pool.query(
    `UPDATE builds SET owner = NULL, lease_until = NULL
     WHERE owner = $1 AND status = 'started' AND id = ANY($2::int[])`,
    [owner, ids],
  );
}
