// Schema migrations, run by `jetbridge migrate` and by every service on startup. Concurrent runs
// wait for node-pg-migrate's advisory lock in turn, so replicas may start together.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import { connectionConfig, type PostgresSettings } from './pool.ts';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export interface MigrationLog {
  info(fields: object, msg: string): void;
}

export async function migrate(settings: PostgresSettings, log?: MigrationLog): Promise<string[]> {
  const config = connectionConfig(settings);
  const applied = await runner({
    databaseUrl: config.connectionString ?? {
      host: config.host,
      port: config.port,
      user: config.user,
      password: typeof config.password === 'string' ? config.password : undefined,
      database: config.database,
    },
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'schema_migrations',
    advisoryLockMode: 'wait',
    log: () => {},
  });
  const names = applied.map((m) => m.name);
  if (names.length > 0) log?.info({ migrations: names }, 'migrations-applied');
  return names;
}

/** Creates the database if it does not exist (the server's own `postgres` database must be reachable). */
export async function ensureDatabase(settings: PostgresSettings): Promise<void> {
  const config = connectionConfig(settings);
  const pg = (await import('pg')).default;
  let database = config.database;
  let adminConfig: object = { ...config, database: 'postgres' };
  if (config.connectionString) {
    const url = new URL(config.connectionString);
    database = decodeURIComponent(url.pathname.slice(1));
    url.pathname = '/postgres';
    adminConfig = { connectionString: url.toString() };
  }
  if (!database) return;
  const client = new pg.Client(adminConfig);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`).catch((err) => {
        // another replica created it at the same moment
        if ((err as { code?: string }).code !== '42P04') throw err;
      });
    }
  } finally {
    await client.end();
  }
}
