import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Bus, InterceptOutput } from '@jetbridge/bus';
import { testStepJob } from '../pods/test-jobs.ts';
import { collectStep, startHarness, type Harness } from '../testing/harness.ts';

// Opens a session and gathers its output until the exit status (or an error) arrives, bounded.
async function intercept(
  bus: Bus,
  podName: string,
  process: { path: string; args: string[]; env?: string[] },
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
  assert.equal(opened.ok, true, opened.error);
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
  return { outputs, stdout: text('stdout'), stderr: text('stderr') };
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
