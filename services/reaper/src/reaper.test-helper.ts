// A kubesim, a throwaway database and helpers to make builds, container rows and step pods.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, createTestDatabase, type Pool } from '@jetbridge/db';
import { annotationKeys, labelKeys, workerName } from '@jetbridge/k8s';
import { startKubesim, type Kubesim } from '@jetbridge/kubesim';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { ReaperSettings } from './settings.ts';

export const namespace = 'reaper-test';
export const worker = workerName(namespace);
// Pods of this image never start, which is all GC needs and costs no processes.
const idleImage = 'jetbridge/never-pulled';

export interface Harness {
  pool: Pool;
  kube: CoreV1Api;
  kubesim: Kubesim;
  teamId: number;
  settings(overrides?: Partial<ReaperSettings>): ReaperSettings;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const database = await createTestDatabase('jetbridge_reaper');
  const pool = createPool(database.settings);
  const dataDir = mkdtempSync(join(tmpdir(), 'reaper-kubesim-'));
  const kubesim = await startKubesim({
    dataDir,
    namespace,
    images: { [idleImage]: { kind: 'unpullable' } },
  });
  const config = new KubeConfig();
  config.loadFromFile(kubesim.kubeconfigPath);
  const team = await pool.query<{ id: number }>(
    `INSERT INTO teams (name) VALUES ('main') RETURNING id`,
  );
  return {
    pool,
    kube: config.makeApiClient(CoreV1Api),
    kubesim,
    teamId: team.rows[0]!.id,
    settings: (overrides = {}) => ({
      namespace,
      kubeconfigPath: kubesim.kubeconfigPath,
      gcIntervalMs: 60_000,
      heartbeatIntervalMs: 60_000,
      workerTtlMs: 30_000,
      interceptGraceMs: 60_000,
      ...overrides,
    }),
    async close() {
      await kubesim.close();
      await pool.end();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A build with the given status; a finished one ended `endedAgoMs` before now. */
export async function createBuild(h: Harness, status: string, endedAgoMs = 0): Promise<number> {
  const finished = status !== 'started' && status !== 'pending';
  const result = await h.pool.query<{ id: number }>(
    `INSERT INTO builds (team_id, name, status, start_time, end_time)
     VALUES ($1, '1', $2, now(), CASE WHEN $3 THEN now() - $4 * interval '1 millisecond' END)
     RETURNING id`,
    [h.teamId, status, finished, endedAgoMs],
  );
  return result.rows[0]!.id;
}

export async function createStepPod(h: Harness, buildId: number, handle: string): Promise<string> {
  const name = `step-${handle}`;
  await h.kube.createNamespacedPod({
    namespace,
    body: {
      metadata: {
        name,
        labels: {
          [labelKeys.worker]: worker,
          [labelKeys.build]: String(buildId),
          [labelKeys.handle]: handle,
        },
        annotations: {
          [annotationKeys.buildId]: String(buildId),
          [annotationKeys.step]: 'unit',
          [annotationKeys.stepType]: 'task',
          [annotationKeys.planId]: 'plan-1',
          [annotationKeys.attempt]: '1',
        },
      },
      spec: { containers: [{ name: 'main', image: idleImage, command: ['sleep', '86400'] }] },
    },
  });
  return name;
}

export async function insertContainer(
  h: Harness,
  buildId: number,
  handle: string,
  state = 'created',
): Promise<void> {
  await h.pool.query(
    `INSERT INTO containers (handle, pod_name, team_id, build_id, type, state, worker_name)
     VALUES ($1, $2, $3, $4, 'task', $5, $6)`,
    [handle, `step-${handle}`, h.teamId, buildId, state, worker],
  );
}

export async function livePodNames(h: Harness): Promise<string[]> {
  const list = await h.kube.listNamespacedPod({ namespace });
  return list.items
    .filter((p) => !p.metadata?.deletionTimestamp)
    .map((p) => p.metadata!.name!)
    .sort();
}

export async function containerHandles(h: Harness): Promise<string[]> {
  const { rows } = await h.pool.query<{ handle: string }>(
    'SELECT handle FROM containers ORDER BY handle',
  );
  return rows.map((r) => r.handle);
}
