// A throwaway database per test run, so parallel runs never share state.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureDatabase } from './migrate.ts';
import { migrate } from './migrate.ts';
import type { PostgresSettings } from './pool.ts';

export interface TestDatabase {
  settings: PostgresSettings;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 'jetbridge_test'): Promise<TestDatabase> {
  const base = new URL(
    process.env.JETBRIDGE_TEST_POSTGRES_URL ??
      'postgres://postgres:postgres@127.0.0.1:5432/postgres',
  );
  const name = `${prefix}_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const url = new URL(base);
  url.pathname = `/${name}`;
  const settings = { url: url.toString() };
  await ensureDatabase(settings);
  await migrate(settings);
  return {
    settings,
    url: url.toString(),
    async drop() {
      const admin = new pg.Client({ connectionString: base.toString() });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
