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

/** A build event with its data as the JSON text stored for it. */
export interface SerializedBuildEvent {
  type: string;
  version: string;
  data: string;
}

export function serializeBuildEvents(events: BuildEvent[]): SerializedBuildEvent[] {
  return events.map((e) => ({ type: e.type, version: e.version, data: JSON.stringify(e.data) }));
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
  return appendSerializedBuildEvents(client, buildId, serializeBuildEvents(events));
}

/** `appendBuildEvents` for events already serialized, which the caller may keep. */
export async function appendSerializedBuildEvents(
  client: PoolClient,
  buildId: number,
  events: SerializedBuildEvent[],
): Promise<number> {
  const counted = await client.query<{ first: number }>(
    `UPDATE builds SET event_count = event_count + $2 WHERE id = $1
     RETURNING event_count - $2 AS first`,
    [buildId, events.length],
  );
  const first = counted.rows[0]?.first;
  if (first === undefined) throw new BuildNotFoundError(buildId);
  if (events.length === 0) return first;

  // One row of parameters per event: the JSON goes to Postgres as it is, where an array parameter
  // would be escaped element by element (a log event's JSON is mostly escapes). Rows go in
  // statements of at most 1,000, far below Postgres's limit on parameters.
  for (let start = 0; start < events.length; start += 1000) {
    const rows: string[] = [];
    const params: unknown[] = [buildId, first + start];
    for (const [index, event] of events.slice(start, start + 1000).entries()) {
      const at = params.length;
      rows.push(
        `($1, $2 + ${index}, $${at + 1}, $${at + 2}, $${at + 3}::json, ${event.data.length})`,
      );
      params.push(event.type, event.version, event.data);
    }
    await client.query(
      `INSERT INTO build_events (build_id, event_id, type, version, data, data_bytes)
       VALUES ${rows.join(', ')}`,
      params,
    );
  }
  await client.query('SELECT pg_notify($1, $2)', [channels.buildEvents, String(buildId)]);
  return first;
}
