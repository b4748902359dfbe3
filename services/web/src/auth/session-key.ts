// The key that signs browser sessions. It comes from `--session-signing-key` (a file every replica
// mounts) or, without one, from a key the database keeps for all replicas. It is never generated
// per process: a login started on one replica must finish on another, also after a restart.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Pool } from '@jetbridge/db';

export class SessionKeyError extends Error {
  override name = 'SessionKeyError';
}

/** Reads a key file of any format (Concourse's is an RSA key in PEM) as HMAC key material. */
export async function readSessionSigningKey(path: string): Promise<Buffer> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (err) {
    throw new SessionKeyError(
      `--session-signing-key: cannot read ${path} (${(err as NodeJS.ErrnoException).code}): ` +
        'mount the session key secret there or drop the flag to keep the key in the database',
    );
  }
  if (content.toString('utf8').trim().length < 32) {
    throw new SessionKeyError(`--session-signing-key: ${path} holds less than 32 bytes of key`);
  }
  return createHash('sha256').update(content).digest();
}

/** The key shared through the database, created by whichever replica asks first. */
export async function sharedSessionKey(pool: Pool): Promise<Buffer> {
  await pool.query(
    'INSERT INTO session_signing_keys (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING',
    [randomBytes(32)],
  );
  const row = await pool.query<{ key: Buffer }>(
    'SELECT key FROM session_signing_keys WHERE id = 1',
  );
  return row.rows[0]!.key;
}

const resolved = new WeakMap<object, Promise<Buffer>>();

/** The key for this web context: the configured one, else the database's (looked up once). */
export function sessionKeyOf(ctx: {
  pool: Pool;
  settings: { auth?: { sessionSigningKey?: Buffer } };
}): Promise<Buffer> {
  const configured = ctx.settings.auth?.sessionSigningKey;
  if (configured) return Promise.resolve(configured);
  let key = resolved.get(ctx);
  if (!key) {
    key = sharedSessionKey(ctx.pool);
    key.catch(() => resolved.delete(ctx));
    resolved.set(ctx, key);
  }
  return key;
}
