// An executor against kubesim on the in-process bus, and a view of the events a build received.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, MemoryTransport, type StepEvent, type StepJob } from '@jetbridge/bus';
import { startKubesim, type Kubesim } from '@jetbridge/kubesim';
import { silentLogger } from '@jetbridge/telemetry';
import { Registry } from 'prom-client';
import { startPodExecutor } from '../executor.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import type { PodExecutorSettings } from '../settings.ts';

/**
 * The kubeconfig of a real cluster to run the runtime suite against (`test:cluster`), or null to
 * run against kubesim. Tests that need kubesim's failure hooks skip on a real cluster.
 */
export const clusterKubeconfig = process.env.JETBRIDGE_TEST_KUBECONFIG || null;
export const onRealCluster = clusterKubeconfig !== null;

export interface HarnessOptions {
  /** Put a fault-injecting proxy between the executor and kubesim. */
  faultProxy?: boolean;
}

export interface Harness {
  /** Throws on a real cluster: guard the test with `onRealCluster`. */
  sim: Kubesim;
  proxy: FaultProxy | null;
  /** kubesim's data dir: a claim's files are under `claims/<name>`. */
  dataDir: string;
  bus: Bus;
  namespace: string;
  settings: PodExecutorSettings;
  registry: Registry;
  startExecutor(): Promise<{ stop(): Promise<void> }>;
  close(): Promise<void>;
}

export async function startHarness(
  overrides: Partial<PodExecutorSettings> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jb-executor-'));
  const namespace = onRealCluster ? (process.env.JETBRIDGE_TEST_NAMESPACE ?? 'default') : 'steps';
  const sim = onRealCluster
    ? null
    : await startKubesim({
        dataDir,
        namespace,
        claims: overrides.cacheClaim ? [overrides.cacheClaim] : [],
      });
  const proxy =
    sim && options.faultProxy
      ? await startFaultProxy(sim, join(dataDir, 'proxy-kubeconfig'), namespace)
      : null;
  const bus = new Bus(new MemoryTransport());
  const registry = new Registry();
  const settings: PodExecutorSettings = {
    namespace,
    kubeconfigPath: proxy?.kubeconfigPath ?? sim?.kubeconfigPath ?? clusterKubeconfig,
    podStartupTimeoutMs: 15_000,
    maxInFlight: 4,
    imagePullSecrets: [],
    serviceAccount: null,
    imageRegistryPrefix: null,
    imageRegistrySecret: null,
    cacheClaim: null,
    artifactStoreClaim: null,
    artifactHelperImage: 'alpine:latest',
    ...overrides,
  };
  const executors: { stop(): Promise<void> }[] = [];
  return {
    get sim(): Kubesim {
      if (!sim) throw new Error('this test needs kubesim');
      return sim;
    },
    proxy,
    dataDir,
    bus,
    namespace,
    settings,
    registry,
    async startExecutor() {
      const executor = await startPodExecutor({ settings, bus, logger: silentLogger(), registry });
      executors.push(executor);
      return executor;
    },
    async close() {
      await Promise.allSettled(executors.map((e) => e.stop()));
      await bus.close();
      await proxy?.close();
      await sim?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface StepOutcome {
  events: StepEvent[];
  stdout: Buffer;
  stderr: Buffer;
  final: StepEvent;
}

// Rebuilds each stream from output chunks by offset, as web does: a chunk seen twice counts once.
function assemble(events: StepEvent[], stream: 'stdout' | 'stderr'): Buffer {
  const byOffset = new Map<number, Buffer>();
  for (const event of events) {
    if (event.kind === 'output' && event.stream === stream) {
      byOffset.set(event.offset, Buffer.from(event.data));
    }
  }
  const parts: Buffer[] = [];
  let at = 0;
  for (const offset of [...byOffset.keys()].sort((a, b) => a - b)) {
    const chunk = byOffset.get(offset)!;
    if (offset + chunk.length <= at) continue;
    parts.push(chunk.subarray(Math.max(0, at - offset)));
    at = offset + chunk.length;
  }
  return Buffer.concat(parts);
}

/** Waits (bounded) until the step's events satisfy `until`; the final event by default. */
export function collectStep(
  bus: Bus,
  job: StepJob,
  until: (events: StepEvent[]) => boolean = (events) =>
    events.some((e) => e.kind === 'exited' || e.kind === 'errored'),
  timeoutMs = 30_000,
): Promise<StepOutcome> {
  const events: StepEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void follower.stop();
      reject(
        new Error(
          `step ${job.handle} did not finish in ${timeoutMs} ms: ${JSON.stringify(events.map((e) => e.kind))}`,
        ),
      );
    }, timeoutMs);
    const follower = bus.followStepEvents(job.buildId, 0, async (event) => {
      if (event.handle !== job.handle) return;
      events.push(event);
      if (until(events)) {
        clearTimeout(timer);
        void follower.stop();
        const final =
          [...events].reverse().find((e) => e.kind === 'exited' || e.kind === 'errored') ?? event;
        resolve({
          events,
          stdout: assemble(events, 'stdout'),
          stderr: assemble(events, 'stderr'),
          final,
        });
      }
    });
  });
}
