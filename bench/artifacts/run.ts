// Passing one step's output to the next, measured three ways on the same tree: plain
// `tar c | tar x` on this machine (the baseline), pod to pod through exec (no artifact claim: the
// executor relays the stream), and through the artifact claim (the sidecar's archive script, then
// the init container's extract script). Prints throughput, the ratio to plain tar, and per mode
// the peak memory of the executor (this process) and of kubesim (a child process): each process's
// high-water mark is reset before a mode runs and read after it.
//
// BENCH_ARTIFACT_MB (default 128) and BENCH_ARTIFACT_FILES (default 1000) size the tree; the target
// scenario is BENCH_ARTIFACT_MB=1024 BENCH_ARTIFACT_FILES=10000.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { V1Pod } from '@kubernetes/client-node';
import {
  archiveScript,
  extractScript,
} from '../../services/pod-executor/src/artifacts/claim-helper.ts';
import { KubeClient } from '../../services/pod-executor/src/kube/kube-client.ts';
import { streamPodInput } from '../../services/pod-executor/src/exec/stream-inputs.ts';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..', '..');
const totalBytes = Number(process.env.BENCH_ARTIFACT_MB ?? 128) * 1024 * 1024;
const fileCount = Number(process.env.BENCH_ARTIFACT_FILES ?? 1000);
const namespace = 'bench';
const boundMs = 10 * 60 * 1000;

async function makeTree(root: string): Promise<void> {
  const size = Math.floor(totalBytes / fileCount);
  const block = randomBytes(size);
  for (let i = 0; i < fileCount; i++) {
    const dir = join(root, `d${i % 100}`);
    if (i < 100) await mkdir(dir, { recursive: true });
    // Vary the first bytes so no two files are equal.
    block.writeUInt32BE(i, 0);
    await writeFile(join(dir, `f${i}`), block);
  }
}

async function startKubesim(dataDir: string): Promise<{ child: ChildProcess; kubeconfig: string }> {
  const child = spawn(
    process.execPath,
    [
      join(repoRoot, 'bin', 'jetbridge.js'),
      'kubesim',
      '--data-dir',
      dataDir,
      '--namespace',
      namespace,
      '--claim',
      'data',
      '--claim',
      'artifacts',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  const kubeconfig = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('kubesim did not start')), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /export KUBECONFIG=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
  });
  return { child, kubeconfig };
}

async function memoryMiB(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Peak RSS of each process while `what` runs: the high-water marks are reset first. */
async function peaksDuring(
  pids: Record<string, number>,
  what: () => Promise<number>,
): Promise<{ seconds: number; memory: Record<string, { rss: number; peak: number }> }> {
  const before: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    before[name] = (await memoryMiB(pid)).rss;
    await writeFile(`/proc/${pid}/clear_refs`, '5');
  }
  const seconds = await what();
  const memory: Record<string, { rss: number; peak: number }> = {};
  for (const [name, pid] of Object.entries(pids)) {
    memory[name] = { rss: before[name]!, peak: (await memoryMiB(pid)).peak };
  }
  return { seconds, memory };
}

function pod(name: string, claims: string[]): V1Pod {
  return {
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      containers: [
        {
          name: 'step',
          image: 'busybox',
          command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'],
          volumeMounts: [
            { name: 'work', mountPath: '/work' },
            ...claims.map((c) => ({ name: c, mountPath: `/${c}` })),
          ],
        },
      ],
      volumes: [
        { name: 'work', emptyDir: {} },
        ...claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })),
      ],
    },
  };
}

async function startPod(client: KubeClient, spec: V1Pod): Promise<string> {
  const name = spec.metadata!.name!;
  await client.core.createNamespacedPod({ namespace, body: spec });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const p = await client.core.readNamespacedPod({ name, namespace });
    if (p.status?.phase === 'Running') return name;
    if (Date.now() > deadline) throw new Error(`pod ${name} not Running`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function execOk(client: KubeClient, podName: string, command: string[]): Promise<void> {
  const stderr: Buffer[] = [];
  const channel = await client.exec(podName, {
    container: 'step',
    command,
    stdin: false,
    onStderr: (c) => stderr.push(c),
  });
  const code = await channel.exitCode;
  channel.terminate();
  if (code !== 0) throw new Error(`${command.join(' ')} exited ${code}: ${Buffer.concat(stderr)}`);
}

async function timed(what: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await Promise.race([
    what(),
    new Promise((_, fail) =>
      setTimeout(() => fail(new Error('bench step took too long')), boundMs).unref(),
    ),
  ]);
  return (performance.now() - start) / 1000;
}

/** The median of three timed runs, each after `prepare` (left out of the timing). */
async function median(what: () => Promise<void>, prepare: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    await prepare();
    samples.push(await timed(what));
  }
  return samples.sort((a, b) => a - b)[1]!;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'jb-bench-artifacts-'));
  const { child, kubeconfig } = await startKubesim(join(dir, 'kubesim'));
  try {
    const source = join(dir, 'kubesim', 'claims', 'data', 'tree');
    await makeTree(source);
    const mib = totalBytes / 1024 / 1024;

    const plainTarget = join(dir, 'plain');
    const plain = await median(
      async () => {
        await run('sh', [
          '-c',
          'tar cf - -C "$1" . | tar xf - -C "$2"',
          'plain',
          source,
          plainTarget,
        ]);
      },
      async () => {
        await rm(plainTarget, { recursive: true, force: true });
        await mkdir(plainTarget);
      },
    );

    const client = new KubeClient(kubeconfig, namespace);
    const producer = await startPod(client, pod('producer', ['data', 'artifacts']));
    const consumer = await startPod(client, pod('consumer', ['artifacts']));

    const pids = { executor: process.pid, kubesim: child.pid! };
    const claimed = await peaksDuring(pids, () =>
      median(
        async () => {
          await execOk(client, producer, [
            'sh',
            '-c',
            archiveScript,
            'archive',
            '/artifacts',
            'bench',
            '/data/tree',
          ]);
          await execOk(client, consumer, [
            'sh',
            '-c',
            extractScript,
            'extract',
            '/artifacts',
            'bench',
            '/data/claimed',
          ]);
        },
        () => execOk(client, consumer, ['rm', '-rf', '/data/claimed']),
      ),
    );
    const streamed = await peaksDuring(pids, () =>
      timed(() =>
        streamPodInput(
          client,
          { podName: producer, path: '/data/tree' },
          { podName: consumer, path: '/data/streamed' },
        ),
      ),
    );
    await execOk(client, consumer, [
      'sh',
      '-c',
      'test "$(find /data/streamed -type f | wc -l)" = "$1" && test "$(find /data/claimed -type f | wc -l)" = "$1"',
      'check',
      String(fileCount),
    ]);

    const row = (mode: string, seconds: number) =>
      `| ${mode} | ${mib.toFixed(0)} MiB, ${fileCount} files | ${seconds.toFixed(2)} s | ${(mib / seconds).toFixed(1)} MiB/s | ${(plain / seconds).toFixed(2)} |`;
    console.log('| mode | tree | time | throughput | ratio to plain tar |');
    console.log('|---|---|---|---|---|');
    console.log(row('plain `tar c \\| tar x`', plain));
    console.log(row('claim (sidecar tar to claim, init extract)', claimed.seconds));
    console.log(row('no claim (exec stream through the executor)', streamed.seconds));
    console.log('');
    const memory = (m: { rss: number; peak: number }) =>
      `${m.peak.toFixed(0)} MiB (${m.rss.toFixed(0)} MiB before)`;
    console.log('| mode | executor (this process) peak RSS | kubesim peak RSS |');
    console.log('|---|---|---|');
    for (const [mode, result] of [
      ['claim', claimed],
      ['no claim', streamed],
    ] as const) {
      console.log(
        `| ${mode} | ${memory(result.memory.executor!)} | ${memory(result.memory.kubesim!)} |`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
