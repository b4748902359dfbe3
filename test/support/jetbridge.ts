// JetBridge as a user runs it, for integration tests: the quickstart in one process, or the
// distributed mode (migrate, web, pod-executor, artifacts, reaper) with a real Postgres, NATS and
// kubesim.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@jetbridge/db';
import { startKubesim, type Kubesim } from '@jetbridge/kubesim';
import { freePort, ManagedProcess } from './processes.ts';
import { jetbridgeBin } from './paths.ts';

const natsUrl = process.env.JETBRIDGE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const startupTimeoutMs = 180_000;

export interface RunningJetBridge {
  url: string;
  kubeconfig: string;
  namespace: string;
  processes: Map<string, ManagedProcess>;
  /** Output of every process, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

function node(name: string, args: string[], env: NodeJS.ProcessEnv = {}): ManagedProcess {
  return new ManagedProcess(name, process.execPath, [jetbridgeBin, ...args], {
    JETBRIDGE_LOG_LEVEL: 'info',
    ...env,
  });
}

export async function startQuickstart(opts: { dataDir?: string; args?: string[] } = {}) {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'jb-quickstart-')));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = node('quickstart', [
    'quickstart',
    '--bind-port',
    String(port),
    '--external-url',
    url,
    '--data-dir',
    dataDir,
    '--gc-interval',
    '1s',
    '--gc-hijack-grace-period',
    '2s',
    ...(opts.args ?? []),
  ]);
  const match = await proc.waitFor(/export KUBECONFIG=(\S+)/, startupTimeoutMs);
  const running: RunningJetBridge & { dataDir: string } = {
    url,
    dataDir,
    kubeconfig: match[1]!,
    namespace: 'default',
    processes: new Map([['quickstart', proc]]),
    logs: () => proc.output,
    async stop() {
      await proc.stop();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return running;
}

export interface DistributedOptions {
  reaperGraceMs?: number;
  webReplicas?: number;
  /** A NATS server of the test's own (one it may restart) instead of the shared one. */
  natsUrl?: string;
  /** A claim kubesim provides and the executor uses for task caches, so caches outlive builds. */
  cacheClaim?: string;
  /** The executors' --step-job-ack-wait: how soon a killed executor's steps are taken over. */
  stepJobAckWait?: string;
}

export async function startDistributed(opts: DistributedOptions = {}): Promise<
  RunningJetBridge & {
    db: TestDatabase;
    sim: Kubesim;
    startWeb(name: string, bindPort?: number): Promise<ManagedProcess>;
    /** Starts another `jetbridge <args>` process with the deployment's settings, tracked for stop(). */
    spawn(name: string, args: string[]): ManagedProcess;
  }
> {
  const namespace = 'jetbridge';
  const dataDir = await mkdtemp(join(tmpdir(), 'jb-distributed-'));
  const sim = await startKubesim({
    dataDir: join(dataDir, 'kubesim'),
    namespace,
    ...(opts.cacheClaim ? { claims: [opts.cacheClaim] } : {}),
  });
  const db = await createTestDatabase('jetbridge_e2e');
  const natsNamespace = `e2e${randomBytes(4).toString('hex')}`;
  const pg = new URL(db.url);
  const common = {
    CONCOURSE_POSTGRES_HOST: pg.hostname,
    CONCOURSE_POSTGRES_PORT: pg.port || '5432',
    CONCOURSE_POSTGRES_USER: decodeURIComponent(pg.username || 'postgres'),
    CONCOURSE_POSTGRES_PASSWORD: decodeURIComponent(pg.password),
    CONCOURSE_POSTGRES_DATABASE: pg.pathname.slice(1),
    CONCOURSE_NATS_URL: opts.natsUrl ?? natsUrl,
    CONCOURSE_NATS_NAMESPACE: natsNamespace,
    CONCOURSE_KUBERNETES_NAMESPACE: namespace,
    CONCOURSE_KUBERNETES_KUBECONFIG: sim.kubeconfigPath,
    ...(opts.cacheClaim ? { CONCOURSE_KUBERNETES_CACHE_PVC: opts.cacheClaim } : {}),
    ...(opts.stepJobAckWait ? { CONCOURSE_STEP_JOB_ACK_WAIT: opts.stepJobAckWait } : {}),
  };
  const processes = new Map<string, ManagedProcess>();

  const migrate = node('migrate', ['migrate'], common);
  if ((await migrate.exited) !== 0) throw new Error(`jetbridge migrate failed:\n${migrate.output}`);

  let port = await freePort();
  let url = `http://127.0.0.1:${port}`;
  const startWeb = async (name: string, bindPort = port) => {
    const web = node(name, ['web', '--bind-port', String(bindPort), '--external-url', url], {
      ...common,
      CONCOURSE_ADD_LOCAL_USER: 'test:test',
      CONCOURSE_MAIN_TEAM_LOCAL_USER: 'test',
      CONCOURSE_BUILD_LEASE: '3s',
    });
    processes.set(name, web);
    await web.waitFor(/web-started/, startupTimeoutMs);
    return web;
  };

  const artifacts = node(
    'artifacts',
    [
      'artifacts',
      '--artifact-store-dir',
      join(dataDir, 'artifacts'),
      '--artifacts-bind-port',
      String(await freePort()),
    ],
    common,
  );
  processes.set('artifacts', artifacts);
  const executor = node('pod-executor', ['pod-executor'], common);
  processes.set('pod-executor', executor);
  const reaper = node(
    'reaper',
    [
      'reaper',
      '--gc-interval',
      '1s',
      '--gc-hijack-grace-period',
      `${opts.reaperGraceMs ?? 2000}ms`,
    ],
    common,
  );
  processes.set('reaper', reaper);
  try {
    await Promise.all([
      artifacts.waitFor(/artifacts-started/, startupTimeoutMs),
      executor.waitFor(/pod-executor-started/, startupTimeoutMs),
      reaper.waitFor(/reaper-started/, startupTimeoutMs),
    ]);
    // Another test may take the free port before web binds it: then web starts on another one.
    for (let attempt = 1; ; attempt++) {
      try {
        await startWeb('web');
        break;
      } catch (err) {
        if (attempt >= 3 || !processes.get('web')?.output.includes('EADDRINUSE')) throw err;
        port = await freePort();
        url = `http://127.0.0.1:${port}`;
      }
    }
  } catch (err) {
    // Nothing of a deployment that failed to start may outlive it (it would keep the test alive).
    await Promise.all([...processes.values()].map((p) => p.stop()));
    await sim.close();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }

  return {
    url,
    kubeconfig: sim.kubeconfigPath,
    namespace,
    processes,
    db,
    sim,
    startWeb: (name: string, bindPort?: number) => startWeb(name, bindPort ?? port),
    spawn: (name: string, args: string[]) => {
      const proc = node(name, args, common);
      processes.set(name, proc);
      return proc;
    },
    logs: () => [...processes.entries()].map(([n, p]) => `--- ${n} ---\n${p.tail(60)}`).join('\n'),
    async stop() {
      await Promise.all([...processes.values()].map((p) => p.stop()));
      await sim.close();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
