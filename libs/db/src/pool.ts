// The Postgres connection pool every service shares the shape of.
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PostgresSettings {
  /** A full connection string; wins over the separate fields. */
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  maxConnections?: number;
}

export function connectionConfig(settings: PostgresSettings): pg.PoolConfig {
  if (settings.url) return { connectionString: settings.url, max: settings.maxConnections ?? 10 };
  return {
    host: settings.host ?? '127.0.0.1',
    port: settings.port ?? 5432,
    user: settings.user ?? 'postgres',
    password: settings.password,
    database: settings.database ?? 'atc',
    max: settings.maxConnections ?? 10,
  };
}

export function createPool(settings: PostgresSettings): Pool {
  const pool = new pg.Pool(connectionConfig(settings));
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return pool;
}

/** Runs `work` in a transaction, committing on success and rolling back on any error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
