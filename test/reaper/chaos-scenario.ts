// Builds that pass, fail and get aborted while the pod executor and the reaper are SIGKILLed and
// restarted at chosen moments; then the reaper is left to run. Shared by the test (sized for CI)
// and the benchmark script (200 builds).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createPool } from '@jetbridge/db';
import { fly } from '../support/fly/index.ts';
import type { startDistributed } from '../support/jetbridge.ts';
import { eventually, pipelineFile } from '../intercept/support.ts';

const run = promisify(execFile);

type Deployment = Awaited<ReturnType<typeof startDistributed>>;

const task = (script: string) => `
  - task: step
    config:
      platform: linux
      image_resource: {type: registry-image, source: {repository: busybox}}
      run: {path: sh, args: [-c, "${script}"]}`;

export const chaosPipeline = `
jobs:
- name: pass
  plan:${task('echo passing; sleep 0.3')}
- name: fail
  plan:${task('echo failing; sleep 0.3; exit 1')}
- name: abort
  plan:${task('echo aborting; sleep 60')}
`;

export type Kind = 'pass' | 'fail' | 'abort';
export const expectedStatus: Record<Kind, string> = {
  pass: 'succeeded',
  fail: 'failed',
  abort: 'aborted',
};

/** A deterministic pseudo-random sequence, so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface ChaosOptions {
  builds: number;
  kills: number;
  seed: number;
  graceMs: number;
  log?: (line: string) => void;
}

export interface ChaosOutcome {
  /** build id to the status expected of it */
  expected: Map<number, string>;
  /** build id to the stored status */
  stored: Map<number, string>;
  killed: string[];
  settledMs: number;
  leftPods: string[];
}

export async function kubectlPods(jb: Deployment): Promise<string[]> {
  const { stdout } = await run(
    'kubectl',
    [
      '--kubeconfig',
      jb.kubeconfig,
      'get',
      'pods',
      '-n',
      jb.namespace,
      '-l',
      'concourse.ci/worker',
      '-o',
      'name',
    ],
    { timeout: 30_000 },
  );
  return stdout.split('\n').filter(Boolean);
}

/** SIGKILLs a service process and starts a replacement with the same role. */
async function killAndRestart(
  jb: Deployment,
  role: 'pod-executor' | 'reaper',
  generation: number,
  graceMs: number,
) {
  const current = [...jb.processes.entries()].filter(
    ([name, p]) =>
      name.startsWith(role) && p.child.exitCode === null && p.child.signalCode === null,
  );
  for (const [, proc] of current) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
  const args =
    role === 'reaper'
      ? ['reaper', '--gc-interval', '1s', '--gc-hijack-grace-period', `${graceMs}ms`]
      : ['pod-executor'];
  const next = jb.spawn(`${role}-${generation}`, args);
  await next.waitFor(role === 'reaper' ? /reaper-started/ : /pod-executor-started/, 120_000);
}

export async function runChaos(
  jb: Deployment,
  home: string,
  opts: ChaosOptions,
): Promise<ChaosOutcome> {
  const log = opts.log ?? (() => {});
  const f = (...args: string[]) => fly(['-t', 'chaos', ...args], { home, timeoutMs: 120_000 });
  const must = async (...args: string[]) => {
    const result = await f(...args);
    if (result.exitCode !== 0)
      throw new Error(`fly ${args.join(' ')}: ${result.stdout}${result.stderr}`);
    return result;
  };
  await must('login', '-c', jb.url, '-u', 'test', '-p', 'test');
  await must('set-pipeline', '-p', 'chaos', '-c', await pipelineFile('chaos', chaosPipeline), '-n');
  await must('unpause-pipeline', '-p', 'chaos');

  const random = seeded(opts.seed);
  const killAt = new Map<number, 'pod-executor' | 'reaper'>();
  while (killAt.size < Math.min(opts.kills, opts.builds - 1)) {
    const at = 1 + Math.floor(random() * (opts.builds - 1));
    if (!killAt.has(at)) killAt.set(at, killAt.size % 2 === 0 ? 'pod-executor' : 'reaper');
  }
  const pool = createPool(jb.db.settings);
  const expected = new Map<number, string>();
  const killed: string[] = [];
  const toAbort: { job: string; name: string }[] = [];
  try {
    for (let i = 0; i < opts.builds; i += 1) {
      const roll = random();
      const kind: Kind = roll < 0.4 ? 'pass' : roll < 0.75 ? 'fail' : 'abort';
      const trigger = await must('trigger-job', '-j', `chaos/${kind}`);
      const name = /started chaos\/\w+ #(\d+)/.exec(trigger.stdout)![1]!;
      const { rows } = await pool.query<{ id: number }>(
        `SELECT b.id FROM builds b JOIN jobs j ON j.id = b.job_id WHERE j.name = $1 AND b.name = $2`,
        [kind, name],
      );
      expected.set(rows[0]!.id, expectedStatus[kind]);
      if (kind === 'abort') toAbort.push({ job: kind, name });
      if (toAbort.length > 0 && random() < 0.5) {
        const victim = toAbort.shift()!;
        await must('abort-build', '-j', `chaos/${victim.job}`, '-b', victim.name);
      }
      const role = killAt.get(i);
      if (role) {
        log(`build ${i}: SIGKILL ${role}`);
        await killAndRestart(jb, role, i, opts.graceMs);
        killed.push(role);
      }
    }
    for (const victim of toAbort)
      await must('abort-build', '-j', `chaos/${victim.job}`, '-b', victim.name);

    const started = Date.now();
    const ids = [...expected.keys()];
    await eventually(
      'every build finished',
      async () => {
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM builds WHERE id = ANY($1) AND status IN ('pending', 'started')`,
          [ids],
        );
        log(`unfinished builds: ${rows[0]!.n}`);
        return rows[0]!.n === 0 ? true : undefined;
      },
      Math.max(240_000, opts.builds * 3_000),
      1_000,
    );
    const settledMs = Date.now() - started;
    const { rows } = await pool.query<{ id: number; status: string }>(
      'SELECT id, status FROM builds WHERE id = ANY($1)',
      [ids],
    );
    const stored = new Map(rows.map((r) => [r.id, r.status]));

    const leftPods = await eventually(
      'no step pod left once the grace period is over',
      async () => {
        const pods = await kubectlPods(jb);
        return pods.length === 0 ? pods : undefined;
      },
      opts.graceMs + 60_000,
      1_000,
    ).catch(async () => kubectlPods(jb));
    return { expected, stored, killed, settledMs, leftPods };
  } finally {
    await pool.end();
  }
}
