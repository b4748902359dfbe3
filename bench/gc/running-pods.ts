// One garbage collection sweep deleting step pods whose containers still run, as the pods of
// finished builds do (their pause command runs until the pod goes): the sweep's duration, the
// time until kubesim has stopped every container and removed every pod, and the longest stall
// of the event loop that kubesim and the reaper share here.
// Usage: node bench/gc/running-pods.ts [pods]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createPool, createTestDatabase, type Pool } from '@jetbridge/db';
import { annotationKeys, labelKeys, workerName } from '@jetbridge/k8s';
import { startKubesim } from '@jetbridge/kubesim';
import { startReaper } from '@jetbridge/reaper';
import { silentLogger } from '@jetbridge/telemetry';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';

const podCount = Number(process.argv[2] ?? 1000);
const namespace = 'gc-running-bench';
const worker = workerName(namespace);
// What the pod executor's step pods run until they are deleted.
const pause = 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done';

function handleOf(index: number): string {
  return index.toString(16).padStart(32, '0');
}

async function inParallel(count: number, width: number, work: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** One finished build, long past the intercept grace, owning every pod. */
async function seedRows(pool: Pool): Promise<number> {
  const team = await pool.query<{ id: number }>(
    `INSERT INTO teams (name) VALUES ('main') RETURNING id`,
  );
  const build = await pool.query<{ id: number }>(
    `INSERT INTO builds (team_id, name, status, start_time, end_time)
     VALUES ($1, '1', 'succeeded', now() - interval '2 hours', now() - interval '1 hour')
     RETURNING id`,
    [team.rows[0]!.id],
  );
  const buildId = build.rows[0]!.id;
  const handles = Array.from({ length: podCount }, (_, i) => handleOf(i));
  await pool.query(
    `INSERT INTO containers (handle, pod_name, team_id, build_id, type, state, worker_name)
     SELECT h, 'gc-' || h, $1, $2, 'task', 'created', $3 FROM unnest($4::text[]) AS h`,
    [team.rows[0]!.id, buildId, worker, handles],
  );
  return buildId;
}

async function createPods(kube: CoreV1Api, buildId: number): Promise<void> {
  const create = (index: number) =>
    kube.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: `gc-${handleOf(index)}`,
          labels: {
            [labelKeys.worker]: worker,
            [labelKeys.build]: String(buildId),
            [labelKeys.handle]: handleOf(index),
          },
          annotations: { [annotationKeys.buildId]: String(buildId) },
        },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 5,
          containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', pause] }],
        },
      },
    });
  // The first pod starts kubesim's spawn helper; the others follow at a steady pace.
  await create(0);
  await inParallel(podCount - 1, 8, (i) => create(i + 1).then(() => {}));
}

async function podsLeft(kube: CoreV1Api): Promise<{ total: number; running: number }> {
  const list = await kube.listNamespacedPod({ namespace });
  const running = list.items.filter((p) => p.status?.phase === 'Running').length;
  return { total: list.items.length, running };
}

async function waitFor(what: string, isDone: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await isDone())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gc-running-bench-'));
  const sim = await startKubesim({
    dataDir,
    namespace,
    nodeCapacity: { cpu: '10000', memory: '10000Gi' },
  });
  const database = await createTestDatabase('jetbridge_gc_running_bench');
  const pool = createPool(database.settings);
  const config = new KubeConfig();
  config.loadFromFile(sim.kubeconfigPath);
  const kube = config.makeApiClient(CoreV1Api);
  try {
    const seedStart = performance.now();
    await createPods(kube, await seedRows(pool));
    await waitFor(
      'every pod running',
      async () => (await podsLeft(kube)).running === podCount,
      600_000,
    );
    const seconds = ((performance.now() - seedStart) / 1000).toFixed(1);
    console.log(`${podCount} running pods in ${seconds} s`);

    const reaper = await startReaper({
      settings: {
        namespace,
        kubeconfigPath: sim.kubeconfigPath,
        gcIntervalMs: 3_600_000,
        heartbeatIntervalMs: 3_600_000,
        workerTtlMs: 7_200_000,
        interceptGraceMs: 60_000,
      },
      pool,
      logger: silentLogger(),
      registry: new Registry(),
    });
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const report = await reaper.sweepOnce();
    const sweepMs = performance.now() - start;
    await waitFor('every pod gone', async () => (await podsLeft(kube)).total === 0, 600_000);
    const goneMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    stalls.disable();
    await reaper.stop();

    console.log(
      '| pods | sweep | all pods gone | CPU of this process | longest stall | API calls |',
    );
    console.log('|---|---|---|---|---|---|');
    console.log(
      `| ${report.deleted} of ${report.listed} | ${sweepMs.toFixed(0)} ms (list ` +
        `${report.listMs.toFixed(0)} ms, delete ${report.deleteMs.toFixed(0)} ms) ` +
        `| ${goneMs.toFixed(0)} ms | ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms ` +
        `| ${(stalls.max / 1e6).toFixed(0)} ms | ${report.apiCalls} |`,
    );
  } finally {
    await pool.end();
    await sim.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
