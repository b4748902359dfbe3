// Output chunks carry their byte offset in the stream; a chunk replayed after a re-attach or a
// takeover overlaps what is stored, and only the bytes past the stored end are new.
import type { PoolClient } from '@jetbridge/db';

export interface StoredChunk {
  /** The bytes not stored before, or null when the chunk was already stored entirely. */
  fresh: Buffer | null;
  /** Bytes between the stored end and this chunk were never received. */
  gap: boolean;
}

export async function storeOutputChunk(
  client: PoolClient,
  buildId: number,
  handle: string,
  stream: string,
  offset: number,
  data: Buffer,
): Promise<StoredChunk> {
  const current = await client.query<{ end_offset: string }>(
    `SELECT end_offset FROM build_step_streams
     WHERE build_id = $1 AND handle = $2 AND stream = $3 FOR UPDATE`,
    [buildId, handle, stream],
  );
  const end = Number(current.rows[0]?.end_offset ?? 0);
  const chunkEnd = offset + data.length;
  if (chunkEnd <= end) return { fresh: null, gap: false };

  const fresh = offset >= end ? data : data.subarray(end - offset);
  await client.query(
    `INSERT INTO build_step_streams (build_id, handle, stream, end_offset) VALUES ($1, $2, $3, $4)
     ON CONFLICT (build_id, handle, stream) DO UPDATE SET end_offset = EXCLUDED.end_offset`,
    [buildId, handle, stream, chunkEnd],
  );
  return { fresh, gap: offset > end };
}
