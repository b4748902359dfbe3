// Stores build events with consecutive ids and wakes whoever streams them.
import { channels } from '@jetbridge/db';
import type { PoolClient } from '@jetbridge/db';
import type { BuildEvent } from './build-event.ts';

export class BuildNotFoundError extends Error {
  override name = 'BuildNotFoundError';
  readonly buildId: number;

  constructor(buildId: number) {
    super(`build ${buildId} not found`);
    this.buildId = buildId;
  }
}

/**
 * Appends `events` after the build's last event. The row lock on the build serialises writers, so
 * ids stay consecutive from 0 whatever the number of replicas. Returns the id of the first event.
 * The NOTIFY is delivered when the caller's transaction commits.
 */
export async function appendBuildEvents(
  client: PoolClient,
  buildId: number,
  events: BuildEvent[],
): Promise<number> {
  const counted = await client.query<{ first: number }>(
    `UPDATE builds SET event_count = event_count + $2 WHERE id = $1
     RETURNING event_count - $2 AS first`,
    [buildId, events.length],
  );
  const first = counted.rows[0]?.first;
  if (first === undefined) throw new BuildNotFoundError(buildId);
  if (events.length === 0) return first;

  await client.query(
    `INSERT INTO build_events (build_id, event_id, type, version, data)
     SELECT $1, $2 + ord - 1, e.type, e.version, e.data
     FROM unnest($3::text[], $4::text[], $5::json[]) WITH ORDINALITY AS e(type, version, data, ord)`,
    [
      buildId,
      first,
      events.map((e) => e.type),
      events.map((e) => e.version),
      events.map((e) => JSON.stringify(e.data)),
    ],
  );
  await client.query('SELECT pg_notify($1, $2)', [channels.buildEvents, String(buildId)]);
  return first;
}
