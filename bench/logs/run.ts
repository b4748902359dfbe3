// Log throughput end to end: a task writes a large stdout on a distributed JetBridge (web,
// pod-executor, artifacts, reaper; Postgres, NATS, kubesim), and a reader follows the build's event
// stream as `fly watch` does (server-sent events, one JSON `log` event per chunk), comparing every
// payload byte, in order, with what the producer writes. Next to it, the same producer through a plain pipe on this machine.
// Usage: node bench/logs/run.ts [--mib 256] [--full]
//   --full writes 1 GiB (several minutes on two cores).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fly } from '../../test/support/fly/index.ts';
import { startDistributed } from '../../test/support/jetbridge.ts';
import { apiToken, buildEventStream } from '../support/event-stream.ts';

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '256' },
    full: { type: 'boolean', default: false },
  },
});
const mebibytes = values.full ? 1024 : Math.max(1, Math.round(Number(values.mib)));
const mib = 1024 * 1024;
const logBytes = mebibytes * mib;
// Every wait of the benchmark is bounded: a stream slower than 1 MB/s is a failure, not a figure.
const boundMs = Math.round(60_000 + logBytes / 1000);

const pattern = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
// A MiB of the pattern written once, then `cat` of it again and again: busybox's `yes` writes a
// line per system call and would measure itself, not the stream.
const producer = `yes '${pattern}' | head -c ${mib} >/tmp/.pattern
i=0; while [ $i -lt ${mebibytes} ]; do cat /tmp/.pattern; i=$((i + 1)); done`;

const pipeline = `
jobs:
- name: log
  plan:
  - task: write
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run: {path: sh, args: [-c, ${JSON.stringify(producer)}]}
`;

// What the producer writes, a MiB at a time.
const block = Buffer.from(`${pattern}\n`.repeat(Math.ceil(mib / (pattern.length + 1)))).subarray(
  0,
  mib,
);

// Checks a stream against the producer's output piece by piece: a byte compare, cheaper than a
// hash, so the reader measures the stream rather than itself.
class Expected {
  bytes = 0;
  intact = true;

  take(piece: Buffer): void {
    for (let at = 0; at < piece.length && this.intact;) {
      const into = this.bytes % mib;
      const length = Math.min(piece.length - at, mib - into);
      if (!piece.subarray(at, at + length).equals(block.subarray(into, into + length)))
        this.intact = false;
      at += length;
      this.bytes += length;
    }
  }
}

interface StreamEvent {
  event: string;
  data: { status?: string; payload?: string; origin?: { source?: string } };
}

const terminal = new Set(['succeeded', 'failed', 'errored', 'aborted']);

async function plainPipe(): Promise<{ mbps: number; intact: boolean; bytes: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'jb-log-pipe-'));
  try {
    const started = performance.now();
    const child = spawn('sh', ['-c', producer.replaceAll('/tmp/.pattern', '.pattern')], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: dir,
    });
    const expected = new Expected();
    child.stdout.on('data', (chunk: Buffer) => expected.take(chunk));
    await new Promise((resolve) => child.on('close', resolve));
    const seconds = (performance.now() - started) / 1000;
    return { mbps: logBytes / 1e6 / seconds, intact: expected.intact, bytes: expected.bytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

async function main(): Promise<void> {
  const pipe = await plainPipe();
  if (!pipe.intact || pipe.bytes !== logBytes)
    throw new Error(`the plain pipe gave ${pipe.bytes} bytes, not the pattern expected`);

  const jb = await startDistributed();
  const home = await mkdtemp(join(tmpdir(), 'jb-bench-logs-'));
  try {
    const f = (...args: string[]) => fly(['-t', 'bench', ...args], { home, timeoutMs: 120_000 });
    await f('login', '-c', jb.url, '-u', 'test', '-p', 'test');
    const file = join(home, 'logs.yml');
    await writeFile(file, pipeline);
    await f('set-pipeline', '-p', 'logs', '-c', file, '-n');
    await f('unpause-pipeline', '-p', 'logs');
    const auth = await apiToken(jb.url, 'test', 'test');
    const pids = {
      web: jb.processes.get('web')?.child.pid,
      executor: jb.processes.get('pod-executor')?.child.pid,
    };
    const before = { web: rssMiB(pids.web), executor: rssMiB(pids.executor) };
    const peak = { ...before };
    const sampler = setInterval(() => {
      peak.web = Math.max(peak.web, rssMiB(pids.web));
      peak.executor = Math.max(peak.executor, rssMiB(pids.executor));
    }, 250);

    const triggered = performance.now();
    const response = await fetch(`${jb.url}/api/v1/teams/main/pipelines/logs/jobs/log/builds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${auth}` },
    });
    if (!response.ok) throw new Error(`trigger failed: ${response.status}`);
    const { id } = (await response.json()) as { id: number };

    const expected = new Expected();
    let firstByteAt = NaN;
    let status = '';
    const errors: string[] = [];
    for await (const event of buildEventStream<StreamEvent>(jb.url, auth, id, boundMs)) {
      if (event.event === 'error') errors.push(JSON.stringify(event.data));
      if (event.event === 'log' && event.data.origin?.source === 'stdout') {
        if (Number.isNaN(firstByteAt)) firstByteAt = performance.now();
        expected.take(Buffer.from(event.data.payload ?? '', 'utf8'));
      }
      if (event.event === 'status' && terminal.has(event.data.status ?? '')) {
        status = event.data.status!;
        break;
      }
    }
    const ended = performance.now();
    clearInterval(sampler);
    const intact = status === 'succeeded' && expected.intact && expected.bytes === logBytes;

    const row = (what: string, figure: string) => console.log(`${what.padEnd(52)} ${figure}`);
    console.log(`task stdout to the build's event stream (fly watch), ${mebibytes} MiB`);
    row(
      'first log byte to final status',
      `${(logBytes / 1e6 / ((ended - firstByteAt) / 1000)).toFixed(1)} MB/s`,
    );
    row(
      'trigger to final status',
      `${(logBytes / 1e6 / ((ended - triggered) / 1000)).toFixed(1)} MB/s`,
    );
    row('the same producer through a plain pipe', `${pipe.mbps.toFixed(1)} MB/s`);
    row('bytes intact and in order', intact ? 'yes' : `NO (${status}, ${expected.bytes} bytes)`);
    const mem = (name: 'web' | 'executor') =>
      `${before[name].toFixed(0)} MiB before, peak ${peak[name].toFixed(0)} MiB`;
    row('web RSS', mem('web'));
    row('pod-executor RSS', mem('executor'));
    if (!intact) {
      for (const error of errors) console.log(`error event: ${error}`);
      process.exitCode = 1;
    }
  } finally {
    await jb.stop();
    await rm(home, { recursive: true, force: true });
  }
}

await main();
