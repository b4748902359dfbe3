// One garbage collection sweep over thousands of step pods in kubesim: its duration, Kubernetes
// API calls and database queries, for a sweep with work to do and for a steady-state one.
// Usage: node bench/gc/run.ts [pods]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPool, createTestDatabase, type Pool } from '@jetbridge/db';
import { annotationKeys, labelKeys, workerName } from '@jetbridge/k8s';
import { startKubesim } from '@jetbridge/kubesim';
import { startReaper, type SweepReport } from '@jetbridge/reaper';
import { silentLogger } from '@jetbridge/telemetry';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';

const podCount = Number(process.argv[2] ?? 5000);
const podsPerBuild = 10;
const namespace = 'gc-bench';
const worker = workerName(namespace);
// Never pulled: the pod exists in the API and costs kubesim no process.
const image = 'jetbridge/never-pulled';
const graceMs = 60_000;

type Fate = 'running' | 'finished-old' | 'finished-recent' | 'forgotten';

/** Which builds are in which state: most running, some long finished, some adopted. */
function fateOf(buildIndex: number): Fate {
  const slot = buildIndex % 10;
  if (slot < 6) return 'running';
  if (slot < 8) return 'finished-old';
  if (slot < 9) return 'finished-recent';
  return 'forgotten';
}

/** Counts every query the reaper sends through the pool. */
function countingPool(pool: Pool): { pool: Pool; count(): number } {
  let queries = 0;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
    queries += 1;
    return query(...args);
  };
  return { pool, count: () => queries };
}

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

interface SeededPod {
  build: number;
  handle: string;
  fate: Fate;
}

/** Every build starts running with a row per pod; `applyFates` later finishes or forgets them. */
async function seed(pool: Pool, kube: CoreV1Api): Promise<SeededPod[]> {
  const team = await pool.query<{ id: number }>(
    `INSERT INTO teams (name) VALUES ('main') RETURNING id`,
  );
  const teamId = team.rows[0]!.id;
  const builds = Math.ceil(podCount / podsPerBuild);
  const pods: SeededPod[] = [];
  for (let b = 0; b < builds; b += 1) {
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO builds (team_id, name, status, start_time) VALUES ($1, $2, 'started', now())
       RETURNING id`,
      [teamId, String(b + 1)],
    );
    for (let p = 0; p < podsPerBuild && pods.length < podCount; p += 1) {
      pods.push({
        build: rows[0]!.id,
        handle: `${b.toString(16).padStart(8, '0')}${p.toString(16).padStart(24, '0')}`,
        fate: fateOf(b),
      });
    }
  }
  await pool.query(
    `INSERT INTO containers (handle, pod_name, team_id, build_id, type, state, worker_name)
     SELECT h, 'gc-' || h, $1, b, 'task', 'created', $2 FROM unnest($3::text[], $4::int[]) AS u(h, b)`,
    [teamId, worker, pods.map((p) => p.handle), pods.map((p) => p.build)],
  );
  await inParallel(pods, 16, async (pod) => {
    await kube.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: `gc-${pod.handle}`,
          labels: {
            [labelKeys.worker]: worker,
            [labelKeys.build]: String(pod.build),
            [labelKeys.handle]: pod.handle,
          },
          annotations: {
            [annotationKeys.buildId]: String(pod.build),
            [annotationKeys.step]: 'unit',
          },
        },
        spec: { containers: [{ name: 'main', image, command: ['sleep', '86400'] }] },
      },
    });
  });
  return pods;
}

/** Finishes builds (long ago, or within the grace) and deletes the rows of forgotten ones. */
async function applyFates(pool: Pool, pods: SeededPod[]): Promise<void> {
  const buildsOf = (fate: Fate) => [
    ...new Set(pods.filter((p) => p.fate === fate).map((p) => p.build)),
  ];
  const finish = `UPDATE builds SET status = 'succeeded', end_time = now() - $2 * interval '1 millisecond'
                  WHERE id = ANY($1::int[])`;
  await pool.query(finish, [buildsOf('finished-old'), graceMs * 2]);
  await pool.query(finish, [buildsOf('finished-recent'), 1_000]);
  await pool.query('DELETE FROM containers WHERE build_id = ANY($1::int[])', [
    buildsOf('forgotten'),
  ]);
}

function row(label: string, report: SweepReport, ms: number, queries: number): string {
  return (
    `| ${label} | ${report.listed} | ${ms.toFixed(0)} ms (list ${report.listMs.toFixed(0)} ms, ` +
    `delete ${report.deleteMs.toFixed(0)} ms) | ${report.apiCalls} | ${queries} ` +
    `| deleted ${report.deleted}, adopted ${report.adopted} |`
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gc-bench-'));
  const sim = await startKubesim({
    dataDir,
    namespace,
    images: { [image]: { kind: 'unpullable' } },
  });
  const database = await createTestDatabase('jetbridge_gc_bench');
  const counted = countingPool(createPool(database.settings));
  const config = new KubeConfig();
  config.loadFromFile(sim.kubeconfigPath);
  const kube = config.makeApiClient(CoreV1Api);
  try {
    const seedStart = performance.now();
    const pods = await seed(counted.pool, kube);
    console.log(
      `created ${podCount} pods and their rows in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    const reaper = await startReaper({
      settings: {
        namespace,
        kubeconfigPath: sim.kubeconfigPath,
        gcIntervalMs: 3_600_000,
        heartbeatIntervalMs: 3_600_000,
        workerTtlMs: 30_000,
        interceptGraceMs: graceMs,
      },
      pool: counted.pool,
      logger: silentLogger(),
      registry: new Registry(),
    });
    console.log('| sweep | pods listed | duration | API calls | DB queries | work |');
    console.log('|---|---|---|---|---|---|');
    const measure = async (label: string) => {
      const before = counted.count();
      const start = performance.now();
      const report = await reaper.sweepOnce();
      console.log(row(label, report, performance.now() - start, counted.count() - before));
    };
    await measure('every build running');
    await applyFates(counted.pool, pods);
    await measure('20% finished past the grace, 10% within it, 10% forgotten');
    await measure('steady state after');
    await reaper.stop();
  } finally {
    await counted.pool.end();
    await sim.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
