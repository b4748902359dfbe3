// A real database and an in-process bus for engine tests, with helpers to create builds and wait
// for them to finish.
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { Bus, MemoryTransport } from '@jetbridge/bus';
import { channels, createPool, createTestDatabase, inTransaction, Wakeups } from '@jetbridge/db';
import type { Pool } from '@jetbridge/db';
import type { Plan } from '@jetbridge/pipeline';
import { silentLogger } from '@jetbridge/telemetry';
import type { WebContext } from '../../context.ts';
import { createOneOffBuild, type BuildEvent } from '../../builds/index.ts';
import { RecentBuildEvents } from '../../events/recent-build-events.ts';
import { startBuildEngine } from '../index.ts';
import { fakeDigest } from './fake-executor.ts';

export interface StoredEvent extends BuildEvent {
  eventId: number;
}

export class EngineHarness {
  readonly pool: Pool;
  readonly wakeups: Wakeups;
  readonly bus: Bus;
  readonly teamId: number;
  readonly #drop: () => Promise<void>;
  readonly #engines: Array<{ stop(): Promise<void> }> = [];

  private constructor(
    pool: Pool,
    wakeups: Wakeups,
    bus: Bus,
    teamId: number,
    drop: () => Promise<void>,
  ) {
    this.pool = pool;
    this.wakeups = wakeups;
    this.bus = bus;
    this.teamId = teamId;
    this.#drop = drop;
  }

  static async create(): Promise<EngineHarness> {
    const db = await createTestDatabase('jetbridge_engine');
    const pool = createPool(db.settings);
    const wakeups = new Wakeups(pool, db.settings);
    await wakeups.start();
    const team = await pool.query<{ id: number }>(
      `INSERT INTO teams (name) VALUES ('main') RETURNING id`,
    );
    const bus = new Bus(new MemoryTransport());
    return new EngineHarness(pool, wakeups, bus, team.rows[0]!.id, async () => {
      await wakeups.close();
      await pool.end();
      await db.drop();
    });
  }

  context(overrides: { replicaId?: string; buildLeaseMs?: number } = {}): WebContext {
    return {
      settings: {
        bindIp: '127.0.0.1',
        bindPort: 0,
        externalUrl: 'http://jetbridge.test',
        clusterName: 'test',
        namespace: 'test',
        localUsers: [],
        mainTeamLocalUsers: [],
        authDurationMs: 3_600_000,
        buildLeaseMs: overrides.buildLeaseMs ?? 3000,
      },
      pool: this.pool,
      wakeups: this.wakeups,
      bus: this.bus,
      logger: silentLogger(),
      registry: new Registry(),
      replicaId: overrides.replicaId ?? `web-${randomBytes(4).toString('hex')}`,
      recentEvents: new RecentBuildEvents(),
    };
  }

  startEngine(overrides: { replicaId?: string; buildLeaseMs?: number } = {}): {
    stop(): Promise<void>;
  } {
    const engine = startBuildEngine(this.context(overrides));
    this.#engines.push(engine);
    return engine;
  }

  async createBuild(plan: Plan): Promise<number> {
    const build = await inTransaction(this.pool, (client) =>
      createOneOffBuild(client, { teamId: this.teamId, plan }),
    );
    return build.id;
  }

  async status(buildId: number): Promise<string> {
    const found = await this.pool.query<{ status: string }>(
      'SELECT status FROM builds WHERE id = $1',
      [buildId],
    );
    return found.rows[0]!.status;
  }

  /** Waits (woken by stored events, bounded) until the build has finished; returns its status. */
  async waitForFinish(buildId: number, timeoutMs = 8000): Promise<string> {
    return this.waitFor(
      async () => {
        const status = await this.status(buildId);
        return status === 'started' || status === 'pending' ? null : status;
      },
      `build ${buildId} to finish`,
      timeoutMs,
    );
  }

  /** Re-evaluates `probe` on every stored build event (and every 100 ms) until it returns a value. */
  async waitFor<T>(probe: () => Promise<T | null>, what: string, timeoutMs = 8000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let wake: () => void = () => {};
    const unsubscribe = this.wakeups.on(channels.buildEvents, () => wake());
    try {
      for (;;) {
        const value = await probe();
        if (value !== null) return value;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${what}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(100, left));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      unsubscribe();
    }
  }

  async events(buildId: number): Promise<StoredEvent[]> {
    const found = await this.pool.query<{
      event_id: number;
      type: string;
      version: string;
      data: Record<string, unknown>;
    }>(
      'SELECT event_id, type, version, data FROM build_events WHERE build_id = $1 ORDER BY event_id',
      [buildId],
    );
    return found.rows.map((r) => ({
      eventId: r.event_id,
      type: r.type,
      version: r.version,
      data: r.data,
    }));
  }

  async logText(buildId: number, planId?: string): Promise<string> {
    const events = await this.events(buildId);
    return events
      .filter(
        (e) =>
          e.type === 'log' &&
          (planId === undefined || (e.data.origin as { id?: string }).id === planId),
      )
      .map((e) => e.data.payload as string)
      .join('');
  }

  async close(): Promise<void> {
    for (const engine of this.#engines) await engine.stop();
    await this.bus.close();
    await this.#drop();
  }
}

/**
 * A task leaf with an inline config. Its image_resource pins a version, so the image is only got
 * (no check job, no pod): the executor sees the task's own job alone.
 */
export function taskPlan(id: string, name: string, extra: Record<string, unknown> = {}): Plan {
  return {
    id,
    task: {
      name,
      privileged: false,
      config: {
        platform: 'linux',
        image_resource: {
          type: 'registry-image',
          source: { repository: 'busybox' },
          version: { digest: fakeDigest('busybox') },
        },
        run: { path: 'sh', args: ['-c', `echo ${name}`] },
      },
      ...extra,
    },
  } as Plan;
}
