// Creates the pending build a new trigger version asks for, unless one is already waiting.
import type { PoolClient } from '@jetbridge/db';

/** Returns the new build's id, or null when the job already has a pending build. */
export async function ensurePendingBuild(
  client: PoolClient,
  teamId: number,
  pipelineId: number,
  jobId: number,
): Promise<number | null> {
  const waiting = await client.query(
    `SELECT 1 FROM builds WHERE job_id = $1 AND status = 'pending' AND NOT aborted LIMIT 1`,
    [jobId],
  );
  if (waiting.rowCount) return null;

  const numbered = await client.query<{ n: number }>(
    'UPDATE jobs SET build_number_seq = build_number_seq + 1 WHERE id = $1 RETURNING build_number_seq AS n',
    [jobId],
  );
  const created = await client.query<{ id: number }>(
    `INSERT INTO builds (team_id, pipeline_id, job_id, name, status)
     VALUES ($1, $2, $3, $4, 'pending') RETURNING id`,
    [teamId, pipelineId, jobId, String(numbered.rows[0]!.n)],
  );
  return created.rows[0]!.id;
}
