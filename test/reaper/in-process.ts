// The reaper in-process with what it drives: a throwaway database, kubesim, the in-process bus
// and, when asked, the artifact service on that bus. For tests of one collector at a time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArtifacts } from '@jetbridge/artifacts';
import { Bus, MemoryTransport } from '@jetbridge/bus';
import { createPool, createTestDatabase, type Pool } from '@jetbridge/db';
import { startKubesim } from '@jetbridge/kubesim';
import { startReaper, type Reaper, type ReaperSettings } from '@jetbridge/reaper';
import { silentLogger } from '@jetbridge/telemetry';
import { Registry } from 'prom-client';

export interface InProcess {
  pool: Pool;
  bus: Bus;
  dir: string;
  teamId: number;
  /** A reaper replica on the shared database and bus; timers far apart, driven by the test. */
  startReaper(settings?: Partial<ReaperSettings>): Promise<Reaper>;
  /** The artifact service on the bus, storing under `<dir>/artifacts`. */
  startArtifacts(cacheDir?: string): Promise<{ stop(): Promise<void> }>;
  close(): Promise<void>;
}

export async function startInProcess(name: string): Promise<InProcess> {
  const dir = await mkdtemp(join(tmpdir(), `jb-${name}-`));
  const database = await createTestDatabase(`jetbridge_${name.replaceAll('-', '_')}`);
  const pool = createPool(database.settings);
  const sim = await startKubesim({ dataDir: join(dir, 'kubesim'), namespace: 'reaper' });
  const bus = new Bus(new MemoryTransport());
  const team = await pool.query<{ id: number }>(
    `INSERT INTO teams (name) VALUES ('main') RETURNING id`,
  );
  const stoppable: { stop(): Promise<void> }[] = [];
  return {
    pool,
    bus,
    dir,
    teamId: team.rows[0]!.id,
    async startReaper(settings = {}) {
      const reaper = await startReaper({
        settings: {
          namespace: 'reaper',
          kubeconfigPath: sim.kubeconfigPath,
          gcIntervalMs: 3_600_000,
          heartbeatIntervalMs: 3_600_000,
          workerTtlMs: 7_200_000,
          interceptGraceMs: 60_000,
          ...settings,
        },
        pool,
        bus,
        logger: silentLogger(),
        registry: new Registry(),
      });
      stoppable.push(reaper);
      return reaper;
    },
    async startArtifacts(cacheDir) {
      const artifacts = await startArtifacts({
        settings: {
          storeDir: join(dir, 'artifacts'),
          bindPort: 0,
          maxUploadBytes: 1024 * 1024,
          ...(cacheDir ? { cacheDir } : {}),
        },
        pool,
        bus,
        logger: silentLogger(),
        registry: new Registry(),
      });
      stoppable.push(artifacts);
      return artifacts;
    },
    async close() {
      for (const part of stoppable.reverse()) await part.stop();
      await bus.close();
      await sim.close();
      await pool.end();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
