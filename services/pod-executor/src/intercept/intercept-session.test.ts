import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Bus, InterceptOutput } from '@jetbridge/bus';
import { toolboxMountPath } from '../kube/toolbox-exec.ts';
import { testStepJob } from '../pods/test-jobs.ts';
import { decideUser, interceptCommand } from './intercept-user.ts';
import { collectStep, startHarness, type Harness } from '../testing/harness.ts';

// Opens a session and gathers its output until the exit status (or an error) arrives, bounded.
async function intercept(
  bus: Bus,
  podName: string,
  process: { path: string; args: string[]; env?: string[]; user?: string },
  stdin: string,
) {
  const sessionId = randomUUID();
  const outputs: InterceptOutput[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const sub = bus.onInterceptOutput(sessionId, (msg) => {
    outputs.push(msg);
    if (msg.exitStatus !== undefined || msg.error !== undefined) done();
  });
  const opened = await bus.openIntercept({
    v: 1,
    sessionId,
    handle: 'a'.repeat(32),
    podName,
    process: { env: [], ...process },
  });
  if (!opened.ok) {
    await sub.stop();
    return { outputs, stdout: '', stderr: '', refused: opened.error };
  }
  await bus.sendInterceptInput(sessionId, { v: 1, stdin: Buffer.from(stdin).toString('base64') });
  await bus.sendInterceptInput(sessionId, { v: 1, closed: true });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    finished,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no exit')), 10_000))),
  ]);
  clearTimeout(timer);
  await sub.stop();
  const text = (key: 'stdout' | 'stderr') =>
    Buffer.concat(
      outputs.flatMap((o) => (o[key] ? [Buffer.from(o[key]!, 'base64')] : [])),
    ).toString();
  return { outputs, stdout: text('stdout'), stderr: text('stderr'), refused: undefined };
}

describe('intercept sessions', () => {
  let harness: Harness;
  let podName: string;

  before(async () => {
    harness = await startHarness();
    await harness.startExecutor();
    const job = testStepJob({ run: { path: 'true', args: [], env: {} } });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    await outcome;
    podName = job.podName;
  });

  after(async () => {
    await harness.close();
  });

  it('bridges stdin, stdout, stderr and the exit status of a process in the pod', async () => {
    const session = await intercept(
      harness.bus,
      podName,
      { path: 'sh', args: ['-c', 'cat; echo "$GREETING" >&2; exit 5'], env: ['GREETING=hi'] },
      'typed input\n',
    );
    assert.equal(session.stdout, 'typed input\n');
    assert.equal(session.stderr, 'hi\n');
    assert.equal(session.outputs.at(-1)?.exitStatus, 5);
  });

  it('says when the executable does not exist', async () => {
    const session = await intercept(
      harness.bus,
      podName,
      { path: 'no-such-shell', args: [], env: ['A=b'] },
      '',
    );
    assert.ok(session.outputs.some((o) => o.executableNotFound));
    // fly says so itself: no complaint of a shell or of `env` before it.
    assert.equal(session.stderr, '');
  });

  it('says the pod is gone when it no longer exists, not that the executable is missing', async () => {
    const session = await intercept(
      harness.bus,
      'no-such-pod-b1-task-00000000',
      { path: 'bash', args: [] },
      '',
    );
    assert.equal(session.refused, 'pod no-such-pod-b1-task-00000000 no longer exists');
    assert.ok(!session.outputs.some((o) => o.executableNotFound));
  });

  it('reports exit status 127 of a command that exists, not a missing executable', async () => {
    const session = await intercept(
      harness.bus,
      podName,
      { path: 'sh', args: ['-c', 'exit 127'], env: ['TERM=dumb'] },
      '',
    );
    assert.ok(!session.outputs.some((o) => o.executableNotFound));
    assert.equal(session.outputs.at(-1)?.exitStatus, 127);
  });
});

/** A pod of `image` whose step has run, for intercept sessions into it. */
async function stepPod(harness: Harness, image: string): Promise<string> {
  const job = testStepJob({
    image: { ref: image, env: [] },
    run: { path: 'true', args: [], env: {} },
  });
  const outcome = collectStep(harness.bus, job);
  await harness.bus.publishStepJob(job);
  await outcome;
  return job.podName;
}

describe('intercept sessions with a user', () => {
  let harness: Harness;
  // Runs as root with the host's su; the busybox image runs as root and has no su.
  let withSu: string;
  let withoutSu: string;

  before(async () => {
    harness = await startHarness();
    await harness.startExecutor();
    withSu = await stepPod(harness, 'ubuntu');
    withoutSu = await stepPod(harness, 'busybox');
  });

  after(async () => {
    await harness.close();
  });

  it('switches to the user through su, with the environment, stdin and exit status', async () => {
    const session = await intercept(
      harness.bus,
      withSu,
      {
        path: 'sh',
        args: ['-c', 'id -un; cat; echo "$GREETING"; exit 4'],
        env: ['GREETING=hi'],
        user: 'nobody',
      },
      'typed\n',
    );
    assert.equal(session.refused, undefined);
    assert.equal(session.stdout, 'nobody\ntyped\nhi\n', session.stderr);
    assert.equal(session.outputs.at(-1)?.exitStatus, 4);
  });

  it("runs as the container's own user, by name or uid, without su", async () => {
    for (const user of ['root', '0']) {
      const session = await intercept(
        harness.bus,
        withoutSu,
        { path: 'id', args: ['-un'], user },
        '',
      );
      assert.equal(session.refused, undefined);
      assert.equal(session.stdout, 'root\n');
    }
  });

  it('refuses a user the image cannot switch to, saying why, and runs nothing', async () => {
    const noSu = await intercept(
      harness.bus,
      withoutSu,
      { path: 'touch', args: ['/tmp/ran'], user: 'nobody' },
      '',
    );
    assert.equal(
      noSu.refused,
      "cannot run as user 'nobody': the container's image has no su to switch users with",
    );
    const unknown = await intercept(
      harness.bus,
      withSu,
      { path: 'id', args: [], user: 'no-such-user' },
      '',
    );
    assert.equal(
      unknown.refused,
      "cannot run as user 'no-such-user': the container's image has no such user",
    );
    const check = await intercept(harness.bus, withoutSu, { path: 'ls', args: ['/tmp/ran'] }, '');
    assert.notEqual(check.outputs.at(-1)?.exitStatus, 0);
  });
});

describe('intercept sessions into an image without sh', () => {
  let harness: Harness;
  let podName: string;

  before(async () => {
    harness = await startHarness();
    await harness.startExecutor();
    podName = await stepPod(harness, 'gcr.io/distroless/nodejs22-debian12');
  });

  after(async () => {
    await harness.close();
  });

  it('runs sh as the toolbox sh, with stdin, output and exit status', async () => {
    const session = await intercept(
      harness.bus,
      podName,
      { path: 'sh', args: ['-c', 'command -v sh; cat; exit 6'] },
      'typed\n',
    );
    assert.equal(session.stdout, `${toolboxMountPath}/sh\ntyped\n`, session.stderr);
    assert.equal(session.outputs.at(-1)?.exitStatus, 6);
  });

  it('says bash does not exist, so that fly retries with sh', async () => {
    const session = await intercept(harness.bus, podName, { path: 'bash', args: [] }, '');
    assert.ok(session.outputs.some((o) => o.executableNotFound));
    const exits = await intercept(
      harness.bus,
      podName,
      { path: 'sh', args: ['-c', 'exit 127'] },
      '',
    );
    assert.ok(!exits.outputs.some((o) => o.executableNotFound));
    assert.equal(exits.outputs.at(-1)?.exitStatus, 127);
  });
});

describe('choosing how to run as a user', () => {
  const root = { uid: '0', name: 'root', hasSu: true, isKnown: true };

  it('refuses to switch users in a container that does not run as root', () => {
    assert.deepEqual(decideUser('root', { uid: '1000', name: 'app', hasSu: true, isKnown: true }), {
      kind: 'refused',
      error:
        "cannot run as user 'root': the container runs as 'app' (uid 1000) and only root can " +
        'switch users; intercept without a user',
    });
    assert.deepEqual(decideUser('1000', { uid: '1000', name: '', hasSu: false, isKnown: true }), {
      kind: 'as-container',
    });
  });

  it('refuses when the container cannot be asked, and switches as root with su', () => {
    assert.equal(decideUser('app', null).kind, 'refused');
    assert.deepEqual(decideUser('app', root), { kind: 'switch', user: 'app' });
  });

  it('builds the su command with the directory, environment and arguments as operands', () => {
    const command = interceptCommand(
      { path: 'sh', args: ['-c', 'echo "$1"', "it's"], env: ['A=b'], dir: '/tmp/w' },
      { kind: 'switch', user: 'app' },
    );
    assert.deepEqual(command, [
      'su',
      '-s',
      '/bin/sh',
      '-c',
      `cd '/tmp/w' || exit 1; exec env 'A=b' 'sh' '-c' 'echo "$1"' 'it'\\''s'`,
      'app',
    ]);
  });
});
