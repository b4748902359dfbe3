// Several `jetbridge web` processes over one database, as a deployment runs them: migrated once,
// each on its own port, all given the same flags. Restarting kills every replica and starts new
// ones on the same ports.
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@jetbridge/db';
import { jetbridgeBin } from '../../support/paths.ts';
import { freePort, ManagedProcess } from '../../support/processes.ts';

const natsUrl = process.env.JETBRIDGE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const STARTUP_TIMEOUT_MS = 120_000;

export interface WebReplicas {
  urls: string[];
  db: TestDatabase;
  processes: ManagedProcess[];
  /** Every replica's output so far, for failure messages and the secrets check. */
  logs(): string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Picks the ports first, so flags that name a replica's URL (a redirect URI) can be built. */
export async function replicaPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

export async function startWebReplicas(opts: {
  ports: number[];
  /** Flags for replica `i`; the external URL differs per replica when each is its own host. */
  args: (i: number) => string[];
  env?: Record<string, string>;
}): Promise<WebReplicas> {
  const db = await createTestDatabase('jetbridge_auth');
  const pg = new URL(db.url);
  const env = {
    CONCOURSE_POSTGRES_HOST: pg.hostname,
    CONCOURSE_POSTGRES_PORT: pg.port || '5432',
    CONCOURSE_POSTGRES_USER: decodeURIComponent(pg.username || 'postgres'),
    CONCOURSE_POSTGRES_PASSWORD: decodeURIComponent(pg.password),
    CONCOURSE_POSTGRES_DATABASE: pg.pathname.slice(1),
    CONCOURSE_NATS_URL: natsUrl,
    CONCOURSE_NATS_NAMESPACE: `auth${randomBytes(4).toString('hex')}`,
    JETBRIDGE_LOG_LEVEL: 'debug',
    ...opts.env,
  };
  const run = (name: string, args: string[]) =>
    new ManagedProcess(name, process.execPath, [jetbridgeBin, ...args], env);

  const migrate = run('migrate', ['migrate']);
  if ((await migrate.exited) !== 0) throw new Error(`jetbridge migrate failed:\n${migrate.output}`);

  const processes: ManagedProcess[] = [];
  let previousOutput = '';
  const start = async () => {
    const started = opts.ports.map((port, i) =>
      run(`web-${i}`, [
        'web',
        '--bind-ip',
        '127.0.0.1',
        '--bind-port',
        String(port),
        '--log-level',
        'debug',
        ...opts.args(i),
      ]),
    );
    processes.splice(0, processes.length, ...started);
    await Promise.all(started.map((p) => p.waitFor(/web-started/, STARTUP_TIMEOUT_MS)));
  };
  await start();

  const stopAll = () => Promise.all(processes.map((p) => p.stop()));
  const killAll = () => Promise.all(processes.map((p) => p.kill()));
  return {
    urls: opts.ports.map((port) => `http://127.0.0.1:${port}`),
    db,
    processes,
    logs: () => previousOutput + processes.map((p) => p.output).join('\n'),
    async restart() {
      // Killed, as a crash or an evicted pod goes: nothing gets the chance to hand state over.
      await killAll();
      previousOutput += processes.map((p) => p.output).join('\n');
      await start();
    },
    async stop() {
      await stopAll();
      await db.drop();
    },
  };
}
