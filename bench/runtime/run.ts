// The pod runtime through the real pod-executor against kubesim (a process of its own, as an API
// server is): pods created per second, exec round trips per second, and log throughput of a task
// writing to stdout (every byte checked in order), next to a plain pipe of the same bytes and
// kubesim's own figures. Prints one line per figure.
// Usage: node bench/runtime/run.ts [--pods 30] [--execs 200] [--log-mib 64] [--full]
//   --full writes 1 GiB of log (several minutes on two cores).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  Bus,
  MemoryTransport,
  decodeStepEvent,
  subjects,
  type RawMessage,
  type StepEvent,
} from '../../libs/bus/src/index.ts';
import { silentLogger } from '../../libs/telemetry/src/index.ts';
import { startPodExecutor } from '../../services/pod-executor/src/index.ts';
import { runExec } from '../../services/pod-executor/src/exec/run-exec.ts';
import { KubeClient } from '../../services/pod-executor/src/kube/kube-client.ts';
import { testStepJob } from '../../services/pod-executor/src/pods/test-jobs.ts';
import { Registry } from 'prom-client';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '30' },
    execs: { type: 'string', default: '200' },
    'log-mib': { type: 'string', default: '64' },
    full: { type: 'boolean', default: false },
  },
});
const podCount = Number(values.pods);
const execCount = Number(values.execs);
const logBytes =
  (values.full ? 1024 : Math.max(1, Math.round(Number(values['log-mib'])))) * 1024 * 1024;
const boundMs = 10 * 60_000;

// Step events go to `onEvent`; output chunks are checked and dropped, not kept, so the memory
// measured is the executor's and kubesim's, not a growing in-memory log.
class BenchTransport extends MemoryTransport {
  onEvent: (event: StepEvent) => void = () => {};

  override async append(subject: string, msg: RawMessage, dedupeId: string): Promise<void> {
    if (subject === subjects.stepEvents(Number(subject.split('.').pop()))) {
      const event = decodeStepEvent(msg);
      this.onEvent(event);
      if (event.kind === 'output') return;
    }
    await super.append(subject, msg, dedupeId);
  }
}

function line(what: string, figure: string): void {
  console.log(`${what.padEnd(44)} ${figure}`);
}

function waitFor<T>(what: string, executor: (done: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} took over ${boundMs} ms`)), boundMs);
    executor((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

const pattern = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_\n');
// A MiB of the pattern written once, then `cat` of it again and again: busybox's `yes` writes a
// line per system call and would measure itself, not the stream.
const mib = 1024 * 1024;
const producer = `yes '${pattern.subarray(0, -1).toString()}' | head -c ${mib} >.pattern
i=0; while [ $i -lt ${Math.ceil(logBytes / mib)} ]; do cat .pattern; i=$((i + 1)); done; rm .pattern`;

async function plainPipe(): Promise<{ mbps: number; sha: string }> {
  const started = performance.now();
  const child = spawn('sh', ['-c', producer], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: dataDir,
  });
  const hash = createHash('sha256');
  child.stdout.on('data', (chunk: Buffer) => hash.update(chunk));
  await new Promise((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  return { mbps: logBytes / 1e6 / seconds, sha: hash.digest('hex') };
}

// The ceiling kubesim's exec channel sets: the same bytes through one exec, nothing else.
async function rawExecThroughput(client: KubeClient, pod: string): Promise<number> {
  const started = performance.now();
  let bytes = 0;
  const channel = await client.exec(pod, {
    container: 'step',
    command: ['sh', '-c', producer],
    stdin: false,
    onStdout: (chunk) => {
      bytes += chunk.length;
    },
  });
  await channel.exitCode;
  if (bytes !== logBytes) throw new Error(`bare exec gave ${bytes} of ${logBytes} bytes`);
  return logBytes / 1e6 / ((performance.now() - started) / 1000);
}

/**
 * kubesim in a process of its own, as a cluster's API server is: the executor's work and the
 * cluster's do not share one event loop (or one core), as they never do in a deployment.
 */
async function startKubesimProcess(
  dir: string,
): Promise<{ kubeconfigPath: string; process: ChildProcess; close(): Promise<void> }> {
  const main = join(import.meta.dirname, '../../tools/kubesim/src/main.ts');
  const child = spawn(process.execPath, [main, '--data-dir', dir, '--namespace', namespace], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kubeconfigPath = await waitFor<string>('kubesim to start', (done) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const newline = out.indexOf('\n');
      if (newline >= 0) done(out.slice(0, newline).trim());
    });
  });
  return {
    kubeconfigPath,
    process: child,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resident memory of a process, from /proc. */
function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return kib ? Number(kib[1]) * 1024 : 0;
}

/**
 * Creates `count` pods at once and waits (polling, bounded) until every one is Running, then
 * execs `true` in each as soon as it runs; the rates of both.
 */
async function kubesimPodRate(
  client: KubeClient,
  count: number,
): Promise<{ running: number; execd: number }> {
  const names = Array.from({ length: count }, (_, i) => `bare-${i}`);
  const started = performance.now();
  await Promise.all(
    names.map((name) =>
      client.core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name, labels: { bench: 'bare' } },
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'step', image: 'busybox', command: ['sleep', '3600'] }],
          },
        },
      }),
    ),
  );
  const deadline = started + boundMs;
  const execs: Promise<unknown>[] = [];
  const seen = new Set<string>();
  for (;;) {
    const listed = await client.core.listNamespacedPod({ namespace, labelSelector: 'bench=bare' });
    for (const pod of listed.items) {
      const name = pod.metadata!.name!;
      if (pod.status?.phase !== 'Running' || seen.has(name)) continue;
      seen.add(name);
      execs.push(runExec(client, name, ['true']));
    }
    if (seen.size === count) break;
    if (performance.now() > deadline) throw new Error(`${seen.size} of ${count} bare pods Running`);
    await sleep(10);
  }
  const running = count / ((performance.now() - started) / 1000);
  await Promise.all(execs);
  const execd = count / ((performance.now() - started) / 1000);
  await client.core.deleteCollectionNamespacedPod({ namespace, labelSelector: 'bench=bare' });
  return { running, execd };
}

const dataDir = mkdtempSync(join(tmpdir(), 'jb-bench-runtime-'));
const namespace = 'bench';
const sim = await startKubesimProcess(dataDir);
const transport = new BenchTransport();
const bus = new Bus(transport);
const settings = {
  namespace,
  kubeconfigPath: sim.kubeconfigPath,
  podStartupTimeoutMs: 120_000,
  maxInFlight: Math.max(podCount, 4),
  imagePullSecrets: [],
  serviceAccount: null,
  imageRegistryPrefix: null,
  imageRegistrySecret: null,
  cacheClaim: null,
  artifactStoreClaim: null,
  artifactHelperImage: 'alpine:latest',
};
const executor = await startPodExecutor({
  settings,
  bus,
  logger: silentLogger(),
  registry: new Registry(),
});
const client = new KubeClient(sim.kubeconfigPath, namespace);

try {
  console.log(
    `pod runtime against kubesim, ${podCount} pods, ${execCount} execs, log ${logBytes} bytes`,
  );

  // Pods: N steps published at once; a pod counts when its step has started (pod Running, probed).
  const jobs = Array.from({ length: podCount }, () =>
    testStepJob({ run: { path: 'true', args: [], env: {} } }),
  );
  const handles = new Set(jobs.map((j) => j.handle));
  const started = new Set<string>();
  const finished = new Set<string>();
  const t0 = performance.now();
  let allStartedAt = 0;
  const allDone = waitFor<void>('the pod steps', (done) => {
    transport.onEvent = (event) => {
      if (!handles.has(event.handle)) return;
      if (event.kind === 'started') started.add(event.handle);
      if (event.kind === 'exited' || event.kind === 'errored') finished.add(event.handle);
      if (started.size === podCount && allStartedAt === 0) allStartedAt = performance.now();
      if (finished.size === podCount) done();
    };
  });
  for (const job of jobs) await bus.publishStepJob(job);
  await allDone;
  const allFinishedAt = performance.now();
  line(
    'pods created and Running (through executor)',
    `${(podCount / ((allStartedAt - t0) / 1000)).toFixed(1)} pods/s`,
  );
  line(
    'steps run to exit status (`true`)',
    `${(podCount / ((allFinishedAt - t0) / 1000)).toFixed(1)} steps/s`,
  );

  // The same work straight through the API, without the executor: the rate kubesim itself starts
  // pods (and a first exec in each, as a step's command) at on this machine.
  const baseline = await kubesimPodRate(client, podCount);
  line('pods Running, kubesim alone', `${baseline.running.toFixed(1)} pods/s`);
  line('pods Running + exec of `true`, kubesim alone', `${baseline.execd.toFixed(1)} pods/s`);

  // Exec round trips: `true` in one running pod, one at a time and eight at a time.
  const pod = jobs[0]!.podName;
  let at = performance.now();
  for (let i = 0; i < execCount; i += 1) await runExec(client, pod, ['true']);
  line(
    'exec round trips, sequential',
    `${(execCount / ((performance.now() - at) / 1000)).toFixed(1)} /s`,
  );
  at = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < execCount) {
        next += 1;
        await runExec(client, pod, ['true']);
      }
    }),
  );
  line(
    'exec round trips, 8 concurrent',
    `${(execCount / ((performance.now() - at) / 1000)).toFixed(1)} /s`,
  );

  // Log throughput: every chunk must arrive at the next offset; the bytes are hashed in order.
  const pipe = await plainPipe();
  const raw = await rawExecThroughput(client, pod);
  const job = testStepJob({ run: { path: 'sh', args: ['-c', producer], env: {} } });
  const hash = createHash('sha256');
  let received = 0;
  let outOfOrder = 0;
  const rss = () => process.memoryUsage().rss;
  let peakRss = rss();
  const rssAtStart = peakRss;
  let simPeakRss = residentBytes(sim.process.pid!);
  const simRssAtStart = simPeakRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rss());
    simPeakRss = Math.max(simPeakRss, residentBytes(sim.process.pid!));
  }, 100);
  const logStarted = performance.now();
  let firstByteAt = 0;
  const exitStatus = await waitFor<number>('the log step', (done) => {
    transport.onEvent = (event) => {
      if (event.handle !== job.handle) return;
      if (event.kind === 'output' && event.stream === 'stdout') {
        firstByteAt ||= performance.now();
        if (event.offset !== received) outOfOrder += 1;
        const data = event.data;
        hash.update(data);
        received += data.length;
      }
      if (event.kind === 'exited') done(event.exitStatus);
      if (event.kind === 'errored') done(-1);
    };
    void bus.publishStepJob(job);
  });
  const logEnded = performance.now();
  const logSeconds = (logEnded - logStarted) / 1000;
  const streamSeconds = (logEnded - firstByteAt) / 1000;
  clearInterval(sampler);
  const intact = exitStatus === 0 && received === logBytes && outOfOrder === 0;
  const same = hash.digest('hex') === pipe.sha;
  line(
    'log throughput, first byte to exit status',
    `${(logBytes / 1e6 / streamSeconds).toFixed(1)} MB/s`,
  );
  line('log throughput, incl. pod start', `${(logBytes / 1e6 / logSeconds).toFixed(1)} MB/s`);
  line('log throughput, plain pipe', `${pipe.mbps.toFixed(1)} MB/s`);
  line('log throughput, one bare kubesim exec', `${raw.toFixed(1)} MB/s`);
  line(
    'log bytes intact and in order',
    `${intact && same ? 'yes' : 'NO'} (${received} bytes, ${outOfOrder} out of order)`,
  );
  line(
    'executor RSS during the log (bench process)',
    `${(rssAtStart / 2 ** 20).toFixed(0)} MiB -> peak ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
  line(
    'kubesim RSS during the log',
    `${(simRssAtStart / 2 ** 20).toFixed(0)} MiB -> peak ${(simPeakRss / 2 ** 20).toFixed(0)} MiB`,
  );
  if (!intact || !same) process.exitCode = 1;
} finally {
  await executor.stop();
  await bus.close();
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
}
