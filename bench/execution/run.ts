// Build execution latency and throughput on a distributed JetBridge (web, pod-executor, artifacts,
// reaper; Postgres, NATS, kubesim), next to what kubesim alone needs for the same step.
// Usage: node bench/execution/run.ts [latency samples] [throughput seconds] [builds in flight]
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fly } from '../../test/support/fly/index.ts';
import { startDistributed } from '../../test/support/jetbridge.ts';
import { measureKubesimStep } from './kubesim-baseline.ts';
import { BuildEvents } from './build-events.ts';
import { firstEventTimes } from './timeline.ts';

const samples = Number(process.argv[2] ?? 30);
const throughputSeconds = Number(process.argv[3] ?? 60);
const inFlight = Number(process.argv[4] ?? 8);
const image = 'busybox';

// The image the stand-in registry-image resource reports for busybox:latest. The measured job
// names it, as a pipeline pinning its task image does: a manually triggered build then runs no
// image check (Concourse checks an unpinned image_resource again for every manual build), so the
// build is one step pod, like the kubesim baseline. The `checked` job shows the unpinned case.
const digest = `sha256:${createHash('sha256').update(`${image}:latest`).digest('hex')}`;
const task = (version: string) => `
  - task: step
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: ${image}}${version}}
      run: {path: echo, args: [first-line]}`;
const pipeline = `
jobs:
- name: one
  plan:${task(`, version: {tag: latest, digest: "${digest}"}`)}
- name: checked
  plan:${task('')}
`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(values: number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const ms = (n: number) => `${n.toFixed(0)} ms`;

async function main(): Promise<void> {
  const jb = await startDistributed();
  const home = await mkdtemp(join(tmpdir(), 'jb-bench-'));
  try {
    const f = (...args: string[]) => fly(['-t', 'bench', ...args], { home, timeoutMs: 120_000 });
    await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    const file = join(home, 'bench.yml');
    await writeFile(file, pipeline);
    await f('set-pipeline', '-p', 'bench', '-c', file, '-n');
    await f('unpause-pipeline', '-p', 'bench');
    const events = await BuildEvents.login(jb.url, 'test', 'test');

    // Warm-up: the first build pays for connections and caches.
    await events.runOne('bench', 'one');

    const firstLine: number[] = [];
    const exitToFinish: number[] = [];
    const sampled: { buildId: number; triggeredAt: number; firstLineAt: number }[] = [];
    for (let i = 0; i < samples; i++) {
      const triggeredAt = Date.now();
      const run = await events.runOne('bench', 'one');
      if (run.status !== 'succeeded') throw new Error(`build ${run.buildId} ${run.status}`);
      firstLine.push(run.firstLineMs);
      exitToFinish.push(run.finishedMs - run.stepExitMs);
      sampled.push({
        buildId: run.buildId,
        triggeredAt,
        firstLineAt: triggeredAt + run.firstLineMs,
      });
    }
    const outputs = [...jb.processes.values()].map((p) => p.output);
    const claimed = firstEventTimes(outputs, 'build-claimed');
    const podCreated = firstEventTimes(outputs, 'pod-created');
    const podRunning = firstEventTimes(outputs, 'pod-running');
    const commandStarted = firstEventTimes(outputs, 'command-started');
    const segments = {
      claim: [] as number[],
      pod: [] as number[],
      running: [] as number[],
      started: [] as number[],
      output: [] as number[],
    };
    for (const s of sampled) {
      const claimAt = claimed.get(s.buildId);
      const podAt = podCreated.get(s.buildId);
      const runningAt = podRunning.get(s.buildId);
      const startedAt = commandStarted.get(s.buildId);
      if ([claimAt, podAt, runningAt, startedAt].includes(undefined)) continue;
      segments.claim.push(claimAt! - s.triggeredAt);
      segments.pod.push(podAt! - claimAt!);
      segments.running.push(runningAt! - podAt!);
      segments.started.push(startedAt! - runningAt!);
      segments.output.push(s.firstLineAt - startedAt!);
    }

    const checked: number[] = [];
    await events.runOne('bench', 'checked');
    for (let i = 0; i < Math.min(samples, 10); i++) {
      const run = await events.runOne('bench', 'checked');
      if (run.status !== 'succeeded') throw new Error(`build ${run.buildId} ${run.status}`);
      checked.push(run.firstLineMs);
    }

    const baseline = await measureKubesimStep(jb.kubeconfig, jb.namespace, image, samples);

    const deadline = performance.now() + throughputSeconds * 1000;
    let finished = 0;
    const worker = async () => {
      while (performance.now() < deadline) {
        const run = await events.runOne('bench', 'one');
        if (run.status === 'succeeded' && performance.now() <= deadline) finished++;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));

    const jet = summary(firstLine);
    const sim = summary(baseline);
    const exit = summary(exitToFinish);
    console.log(
      `samples: ${samples}, throughput window: ${throughputSeconds} s, in flight: ${inFlight}`,
    );
    console.log(`trigger -> first line of output: p50 ${ms(jet.p50)}, p99 ${ms(jet.p99)}`);
    console.log(`kubesim pod create -> exec output: p50 ${ms(sim.p50)}, p99 ${ms(sim.p99)}`);
    console.log(
      `overhead (JetBridge - kubesim): p50 ${ms(jet.p50 - sim.p50)}, p99 ${ms(jet.p99 - sim.p99)}; ` +
        `ratio p50 ${(jet.p50 / sim.p50).toFixed(2)}, p99 ${(jet.p99 / sim.p99).toFixed(2)}`,
    );
    if (segments.claim.length > 0) {
      const [claim, pod, running, started, output] = [
        segments.claim,
        segments.pod,
        segments.running,
        segments.started,
        segments.output,
      ].map(summary);
      console.log(
        `  of which (p50): trigger -> build claimed ${ms(claim!.p50)}; claimed -> pod created ` +
          `${ms(pod!.p50)}; pod created -> Running ${ms(running!.p50)}; Running -> command ` +
          `started ${ms(started!.p50)}; command started -> first line at the client ${ms(output!.p50)}`,
      );
    }
    const withCheck = summary(checked);
    console.log(
      `unpinned image (its check pod runs first): trigger -> first line p50 ${ms(withCheck.p50)}, ` +
        `p99 ${ms(withCheck.p99)}`,
    );
    console.log(`step exit -> build finished: p50 ${ms(exit.p50)}, p99 ${ms(exit.p99)}`);
    console.log(`one-step builds per second: ${(finished / throughputSeconds).toFixed(2)}`);
  } finally {
    await jb.stop();
    await rm(home, { recursive: true, force: true });
  }
}

await main();
