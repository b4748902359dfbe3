// Moves a build to `started`: the scheduler calls this when a job build may run.
import { channels } from '@jetbridge/db';
import type { PoolClient } from '@jetbridge/db';
import { appendBuildEvents } from './append-build-events.ts';
import { statusEvent } from './build-event.ts';

/**
 * Sets status `started` and start_time and writes the `status: started` event, which is therefore
 * the build's first event. Returns false when the build was not pending (already started or
 * finished), in which case nothing changes.
 */
export async function startBuild(client: PoolClient, buildId: number): Promise<boolean> {
  const updated = await client.query(
    `UPDATE builds SET status = 'started', start_time = now()
     WHERE id = $1 AND status = 'pending'`,
    [buildId],
  );
  if (updated.rowCount === 0) return false;
  await appendBuildEvents(client, buildId, [statusEvent('started')]);
  await client.query('SELECT pg_notify($1, $2)', [channels.builds, String(buildId)]);
  return true;
}
