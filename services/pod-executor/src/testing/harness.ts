// An executor against kubesim on the in-process bus, and a view of the events a build received.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, MemoryTransport, type StepEvent, type StepJob } from '@jetbridge/bus';
import { startKubesim, type Kubesim } from '@jetbridge/kubesim';
import { silentLogger } from '@jetbridge/telemetry';
import { Registry } from 'prom-client';
import { startPodExecutor } from '../executor.ts';
import type { PodExecutorSettings } from '../settings.ts';

export interface Harness {
  sim: Kubesim;
  bus: Bus;
  namespace: string;
  settings: PodExecutorSettings;
  registry: Registry;
  startExecutor(): Promise<{ stop(): Promise<void> }>;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<PodExecutorSettings> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jb-executor-'));
  const namespace = 'steps';
  const sim = await startKubesim({ dataDir, namespace });
  const bus = new Bus(new MemoryTransport());
  const registry = new Registry();
  const settings: PodExecutorSettings = {
    namespace,
    kubeconfigPath: sim.kubeconfigPath,
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
    sim,
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
      await sim.close();
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
      byOffset.set(event.offset, Buffer.from(event.data, 'base64'));
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
