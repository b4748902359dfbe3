import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { ensureDatabase, migrate } from './migrate.ts';

const base = new URL(
  process.env.JETBRIDGE_TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
);

describe('migrate', () => {
  it('lets services that start together all migrate the same database', async () => {
    const name = `jetbridge_migrate_${Date.now()}_${randomBytes(4).toString('hex')}`;
    const url = new URL(base);
    url.pathname = `/${name}`;
    const settings = { url: url.toString() };
    await ensureDatabase(settings);
    try {
      const runs = await Promise.all([migrate(settings), migrate(settings), migrate(settings)]);
      assert.ok(runs.some((applied) => applied.length > 0));
      assert.equal(runs.filter((applied) => applied.length > 0).length, 1);
    } finally {
      const admin = new pg.Client({ connectionString: base.toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
