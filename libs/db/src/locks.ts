// Coordination between replicas through Postgres advisory locks, never through memory.
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from './pool.ts';

/** A stable 63-bit lock key for a name, e.g. 'reaper-leader' or 'scheduler:pipeline:42'. */
export function lockKey(name: string): bigint {
  const digest = createHash('sha256').update(name).digest();
  return digest.readBigInt64BE(0) & 0x7fffffffffffffffn;
}

/**
 * A session-level lock held on a dedicated connection for as long as the holder lives
 * (leader election). Losing the connection loses the lock, which `isHeld` reports.
 */
export class HeldLock {
  #client: PoolClient | null;
  #lost = false;

  constructor(client: PoolClient) {
    this.#client = client;
    client.on('error', () => {
      this.#lost = true;
    });
  }

  get isHeld(): boolean {
    return this.#client !== null && !this.#lost;
  }

  async release(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    if (!client) return;
    if (this.#lost) {
      client.release(true);
      return;
    }
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => {});
    client.release();
  }
}

export async function tryAcquireSessionLock(pool: Pool, name: string): Promise<HeldLock | null> {
  const client = await pool.connect();
  try {
    const result = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1) AS locked',
      [lockKey(name).toString()],
    );
    if (result.rows[0]?.locked) return new HeldLock(client);
  } catch (err) {
    client.release(true);
    throw err;
  }
  client.release();
  return null;
}

/** Runs `work` while holding a transaction-level lock; returns null when another holder has it. */
export async function withTryLock<T>(
  pool: Pool,
  name: string,
  work: (client: PoolClient) => Promise<T>,
): Promise<{ value: T } | null> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_xact_lock($1) AS locked',
      [lockKey(name).toString()],
    );
    if (!result.rows[0]?.locked) {
      await client.query('ROLLBACK');
      return null;
    }
    const value = await work(client);
    await client.query('COMMIT');
    return { value };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
