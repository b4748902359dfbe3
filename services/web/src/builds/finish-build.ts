// Completes a build: the final status event and end_time are written by one statement, so the
// final status is always the last event (fly stops reading at it) even outside a transaction.
import { channels } from '@jetbridge/db';
import type { PoolClient } from '@jetbridge/db';
import { statusEvent, type FinalBuildStatus } from './build-event.ts';

/**
 * Finishes a pending or started build with `status` and releases its owner. Returns false when
 * the build had already finished, in which case nothing is written.
 */
export async function finishBuild(
  client: PoolClient,
  buildId: number,
  status: FinalBuildStatus,
): Promise<boolean> {
  const event = statusEvent(status);
  const data = JSON.stringify(event.data);
  const finished = await client.query<{ pipeline_id: number | null }>(
    `WITH b AS (
       UPDATE builds
       SET status = $2, end_time = now(), owner = NULL, lease_until = NULL,
           event_count = event_count + 1
       WHERE id = $1 AND status IN ('pending', 'started')
       RETURNING event_count - 1 AS event_id, pipeline_id
     ), e AS (
       INSERT INTO build_events (build_id, event_id, type, version, data, data_bytes)
       SELECT $1, event_id, $3, $4, $5::json, $6::integer FROM b
     )
     SELECT pipeline_id FROM b`,
    [buildId, status, event.type, event.version, data, data.length],
  );
  const row = finished.rows[0];
  if (!row) return false;
  await client.query('SELECT pg_notify($1, $2)', [channels.buildEvents, String(buildId)]);
  // A finished build may free a serial group or max_in_flight slot.
  await client.query('SELECT pg_notify($1, $2)', [
    channels.schedule,
    row.pipeline_id === null ? '' : String(row.pipeline_id),
  ]);
  return true;
}
