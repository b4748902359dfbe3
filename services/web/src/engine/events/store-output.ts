// Output chunks carry their byte offset in the stream; a chunk replayed after a re-attach or a
// takeover overlaps what is stored, and only the bytes past the stored end are new. The log is
// text: a UTF-8 character cut at the end of a chunk is held back (in the database, so a replica
// taking over continues it) until the rest of it arrives.
import type { PoolClient } from '@jetbridge/db';

export interface StoredChunk {
  /** Held bytes given up because a gap follows them, as text; null when nothing was held. */
  flushed: string | null;
  /** Bytes between the stored end and this chunk were never received. */
  gap: boolean;
  /** The new text: complete characters only. Null when there is none. */
  text: string | null;
}

/**
 * How many bytes at the end of `bytes` begin a UTF-8 character that needs more bytes: 0 to 3.
 * A byte that cannot begin a multi-byte character ends nothing worth waiting for.
 */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  let start = bytes.length - 1;
  while (start >= 0 && bytes.length - start <= 3 && (bytes[start]! & 0xc0) === 0x80) start -= 1;
  if (start < 0) return 0;
  const lead = bytes[start]!;
  const length =
    lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? (lead <= 0xef ? 3 : 0) : lead >= 0xc2 ? 2 : 0;
  const have = bytes.length - start;
  return length > have ? have : 0;
}

function text(bytes: Buffer): string | null {
  return bytes.length === 0 ? null : bytes.toString('utf8');
}

export async function storeOutputChunk(
  client: PoolClient,
  buildId: number,
  handle: string,
  stream: string,
  offset: number,
  data: Buffer,
): Promise<StoredChunk> {
  const current = await client.query<{ end_offset: string; held: Buffer }>(
    `SELECT end_offset, held FROM build_step_streams
     WHERE build_id = $1 AND handle = $2 AND stream = $3 FOR UPDATE`,
    [buildId, handle, stream],
  );
  const end = Number(current.rows[0]?.end_offset ?? 0);
  const held = current.rows[0]?.held ?? Buffer.alloc(0);
  const chunkEnd = offset + data.length;
  if (chunkEnd <= end) return { flushed: null, gap: false, text: null };

  const gap = offset > end;
  const fresh = gap ? data : data.subarray(end - offset);
  const pending = gap || held.length === 0 ? fresh : Buffer.concat([held, fresh]);
  const complete = pending.length - incompleteUtf8Tail(pending);
  await client.query(
    `INSERT INTO build_step_streams (build_id, handle, stream, end_offset, held)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (build_id, handle, stream)
     DO UPDATE SET end_offset = EXCLUDED.end_offset, held = EXCLUDED.held`,
    [buildId, handle, stream, chunkEnd, pending.subarray(complete)],
  );
  return {
    flushed: gap ? text(held) : null,
    gap,
    text: text(pending.subarray(0, complete)),
  };
}

/** The held bytes of every stream of a container whose process ended, given up as text. */
export async function flushHeldOutput(
  client: PoolClient,
  buildId: number,
  handle: string,
): Promise<{ stream: string; text: string }[]> {
  const flushed = await client.query<{ stream: string; held: Buffer }>(
    `UPDATE build_step_streams s SET held = ''::bytea
     FROM (SELECT stream, held FROM build_step_streams
           WHERE build_id = $1 AND handle = $2 AND held <> ''::bytea FOR UPDATE) old
     WHERE s.build_id = $1 AND s.handle = $2 AND s.stream = old.stream
     RETURNING old.stream, old.held`,
    [buildId, handle],
  );
  return flushed.rows
    .sort((a, b) => a.stream.localeCompare(b.stream))
    .map((row) => ({ stream: row.stream, text: row.held.toString('utf8') }));
}
