// One web service in this process against its own test database and an in-process bus: enough
// for everything about pipeline configs (set, get, list, trigger, plans) without the slow
// quickstart. Nothing runs steps, so triggered builds stay pending.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, MemoryTransport } from '@jetbridge/bus';
import { channels, createPool, createTestDatabase, Wakeups, type Pool } from '@jetbridge/db';
import { createRegistry, silentLogger } from '@jetbridge/telemetry';
import { RecentBuildEvents, startWeb } from '@jetbridge/web';
import { fly, type FlyResult } from '../../support/fly/index.ts';
import { freePort } from '../../support/processes.ts';
import { apiToken } from '../../support/api-token.ts';

export const USER = 'test';
export const PASSWORD = 'test';

export interface PipelineWeb {
  url: string;
  pool: Pool;
  /** A fly home already logged in as target `t`. */
  home: string;
  fly(...args: string[]): Promise<FlyResult>;
  /** An authenticated API request. */
  api(path: string, init?: RequestInit): Promise<Response>;
  token: string;
  /** Resolves once the build has a plan (the scheduler started it), within `timeoutMs`. */
  waitForPlan(buildId: number, timeoutMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

export async function startPipelineWeb(): Promise<PipelineWeb> {
  const db = await createTestDatabase('jetbridge_pipelines');
  const pool = createPool(db.settings);
  const wakeups = new Wakeups(pool, db.settings);
  await wakeups.start();
  const bus = new Bus(new MemoryTransport());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const web = await startWeb({
    settings: {
      bindIp: '127.0.0.1',
      bindPort: port,
      externalUrl: url,
      clusterName: 'test',
      namespace: 'ci',
      localUsers: [{ username: USER, password: PASSWORD }],
      mainTeamLocalUsers: [USER],
      authDurationMs: 60 * 60 * 1000,
      buildLeaseMs: 30_000,
    },
    pool,
    wakeups,
    bus,
    logger: silentLogger(),
    registry: createRegistry('pipelines-test'),
    replicaId: `pipelines-test-${process.pid}`,
    recentEvents: new RecentBuildEvents(),
  });

  const home = await mkdtemp(join(tmpdir(), 'jb-pipelines-fly-'));
  const run = (...args: string[]) => fly(['-t', 't', ...args], { home, timeoutMs: 60_000 });
  const login = await run('login', '-c', url, '-u', USER, '-p', PASSWORD);
  if (login.exitCode !== 0) throw new Error(`fly login failed:\n${login.stdout}${login.stderr}`);
  const token = await apiToken(url, USER, PASSWORD);
  const api = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${token}`);
    return fetch(`${url}${path}`, { ...init, headers });
  };

  return {
    url,
    pool,
    home,
    fly: run,
    token,
    api,
    waitForPlan: (buildId, timeoutMs = 20_000) =>
      waitForPlan(wakeups, (id) => api(`/api/v1/builds/${id}/plan`), buildId, timeoutMs),
    async close() {
      await web.close();
      await bus.close();
      await wakeups.close();
      await pool.end();
      await db.drop();
    },
  };
}

/** Checks the plan now and again on every build wakeup (a build started), until it exists. */
function waitForPlan(
  wakeups: Wakeups,
  getPlan: (buildId: number) => Promise<Response>,
  buildId: number,
  timeoutMs: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err: Error | null, plan?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stop();
      if (err) reject(err);
      else resolve(plan);
    };
    const check = async () => {
      const response = await getPlan(buildId);
      if (response.status === 200) finish(null, await response.json());
      else await response.body?.cancel();
    };
    const timer = setTimeout(
      () => finish(new Error(`build ${buildId} had no plan within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const stop = wakeups.on(channels.builds, () => void check().catch((e: Error) => finish(e)));
    void check().catch((e: Error) => finish(e));
  });
}
