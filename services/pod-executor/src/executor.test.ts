import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFile } from '@jetbridge/bus';
import { testStepJob } from './pods/test-jobs.ts';
import { collectStep, startHarness, type Harness } from './testing/harness.ts';

describe('pod-executor against kubesim', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
    await harness.startExecutor();
  });

  after(async () => {
    await harness.close();
  });

  it('runs a command and publishes its exact output and exit status', async () => {
    const job = testStepJob({ run: { path: 'echo', args: ['hello', 'world'], env: {} } });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stdout, events } = await outcome;
    assert.deepEqual(
      events.filter((e) => e.kind !== 'output').map((e) => e.kind),
      ['selected-worker', 'started', 'exited'],
    );
    assert.equal(stdout.toString(), 'hello world\n');
    assert.equal(final.kind === 'exited' && final.exitStatus, 0);
  });

  it('errors a step whose executable does not exist, and fails one that exits 127 itself', async () => {
    const missing = testStepJob({ run: { path: 'no-such-command', args: [], env: {} } });
    const missingOutcome = collectStep(harness.bus, missing);
    await harness.bus.publishStepJob(missing);
    const { final, stdout, stderr } = await missingOutcome;
    assert.equal(final.kind, 'errored');
    // Only the error says so: no complaint of the shell or of `setsid` in the log.
    assert.equal(`${stdout.toString()}${stderr.toString()}`, '');
    assert.match(
      final.kind === 'errored' ? final.message : '',
      /"no-such-command": executable file not found/,
    );

    const exits = testStepJob({ run: { path: 'sh', args: ['-c', 'exit 127'], env: {} } });
    const exitsOutcome = collectStep(harness.bus, exits);
    await harness.bus.publishStepJob(exits);
    const exited = (await exitsOutcome).final;
    assert.equal(exited.kind === 'exited' && exited.exitStatus, 127);
  });

  it('keeps stdout and stderr apart, with carriage returns, a 200 KB line and no final newline', async () => {
    const script = [
      'echo start',
      'i=0; while [ $i -lt 50 ]; do printf "progress %3d%%\\r" $i; i=$((i+1)); done',
      'echo "this line must be shown"',
      "head -c 200000 /dev/zero | tr '\\0' x; echo",
      'echo "to stderr" >&2',
      'printf "last line without newline"',
      'exit 3',
    ].join('\n');
    const job = testStepJob({ run: { path: 'sh', args: ['-c', script], env: {} } });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stdout, stderr } = await outcome;
    let progress = '';
    for (let i = 0; i < 50; i += 1) progress += `progress ${String(i).padStart(3)}%\r`;
    const expected = `start\n${progress}this line must be shown\n${'x'.repeat(200_000)}\nlast line without newline`;
    assert.equal(stdout.toString(), expected);
    assert.equal(stderr.toString(), 'to stderr\n');
    assert.equal(final.kind === 'exited' && final.exitStatus, 3);
  });

  it('returns a resource script stdout in the exit event, given its whole stdin', async () => {
    const request = JSON.stringify({ source: { uri: 'x'.repeat(50_000) }, version: { ref: '1' } });
    const job = testStepJob({
      type: 'get',
      captureStdout: true,
      stdin: request,
      image: { ref: 'alpine', env: [] },
      run: {
        path: 'sh',
        args: ['-c', 'n=$(wc -c); echo "{\\"bytes\\": $n}"; echo fetching >&2'],
        env: {},
      },
    });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, events, stderr } = await outcome;
    assert.equal(final.kind, 'exited');
    assert.equal(
      final.kind === 'exited' && JSON.parse(final.stdout ?? '').bytes,
      Buffer.byteLength(request),
    );
    assert.equal(
      events.some((e) => e.kind === 'output' && e.stream === 'stdout'),
      false,
    );
    assert.equal(stderr.toString(), 'fetching\n');
  });

  it('passes the environment and runs in the working directory', async () => {
    const job = testStepJob({
      image: { ref: 'busybox', env: ['FROM_IMAGE=image', 'SHARED=image'] },
      run: {
        path: 'sh',
        args: ['-c', 'echo $FROM_IMAGE $SHARED $PARAM; pwd'],
        env: { SHARED: 'param', PARAM: 'p' },
      },
    });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { stdout } = await outcome;
    assert.equal(stdout.toString(), `image param p\n${job.workingDir}\n`);
  });

  it('reads a file out of a step pod', async () => {
    const job = testStepJob({
      run: { path: 'sh', args: ['-c', 'printf "a: 1\\n" > config.yml'], env: {} },
    });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    await outcome;
    const file = await harness.bus.request('podExecutor', 'read-file', readFile, {
      v: 1,
      podName: job.podName,
      path: `${job.workingDir}/config.yml`,
      maxBytes: 1024,
    });
    assert.equal(file.ok && Buffer.from(file.content, 'base64').toString(), 'a: 1\n');
    const tooBig = await harness.bus.request('podExecutor', 'read-file', readFile, {
      v: 1,
      podName: job.podName,
      path: `${job.workingDir}/config.yml`,
      maxBytes: 2,
    });
    assert.equal(tooBig.ok, false);
  });
});
