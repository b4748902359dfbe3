import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPool, createTestDatabase, type Pool } from '@jetbridge/db';
import { forgetIdleImageChecks, imageCheckIdleMs } from './image-checks.ts';

describe('image check scopes', () => {
  let pool: Pool;
  let drop: () => Promise<void>;

  before(async () => {
    const database = await createTestDatabase('jetbridge_image_checks');
    pool = createPool(database.settings);
    drop = database.drop;
  });
  after(async () => {
    await pool.end();
    await drop();
  });

  it('forgets the scopes nobody checked for a day and keeps the rest', async () => {
    const idleSeconds = imageCheckIdleMs / 1000;
    await pool.query(
      `INSERT INTO image_resource_checks (config_key, version, succeeded, end_time) VALUES
         ('idle', '{"digest":"sha256:a"}', true, now() - make_interval(secs => $1 + 60)),
         ('failed-long-ago', NULL, false, now() - make_interval(secs => $1 * 3)),
         ('recent', '{"digest":"sha256:b"}', true, now() - make_interval(secs => $1 - 60)),
         ('just-now', '{"digest":"sha256:c"}', true, now())`,
      [idleSeconds],
    );
    assert.equal(await forgetIdleImageChecks(pool), 2);
    const kept = await pool.query<{ config_key: string }>(
      'SELECT config_key FROM image_resource_checks ORDER BY config_key',
    );
    assert.deepEqual(
      kept.rows.map((r) => r.config_key),
      ['just-now', 'recent'],
    );
    assert.equal(await forgetIdleImageChecks(pool), 0);
  });
});
