import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPool, createTestDatabase, type Pool, type TestDatabase } from '@jetbridge/db';
import { readSessionSigningKey, SessionKeyError, sharedSessionKey } from './session-key.ts';

describe('the session signing key', () => {
  let dir: string;
  let db: TestDatabase;
  let pools: Pool[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jb-session-key-'));
    db = await createTestDatabase('jetbridge_session_key');
    pools = [createPool(db.settings), createPool(db.settings)];
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is the same for every replica that shares the database, also when they ask at once', async () => {
    const keys = await Promise.all(pools.map((pool) => sharedSessionKey(pool)));
    assert.equal(keys[0]!.length, 32);
    assert.deepEqual(keys[0], keys[1]);
    assert.deepEqual(await sharedSessionKey(pools[0]!), keys[0]);
  });

  it('comes from the key file when one is given, and the same file gives the same key', async () => {
    const path = join(dir, 'key.pem');
    await writeFile(path, '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAs3cr3t\n-----END...');
    const key = await readSessionSigningKey(path);
    assert.deepEqual(await readSessionSigningKey(path), key);
  });

  it('refuses a missing or short key file without printing its content', async () => {
    await assert.rejects(readSessionSigningKey(join(dir, 'missing')), SessionKeyError);
    const short = join(dir, 'short');
    await writeFile(short, 'tiny-secret');
    await assert.rejects(readSessionSigningKey(short), (err: Error) => {
      assert.ok(err instanceof SessionKeyError);
      assert.doesNotMatch(err.message, /tiny-secret/);
      return true;
    });
  });
});
