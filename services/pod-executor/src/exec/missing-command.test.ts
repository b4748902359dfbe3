// The step command the supervisor looks for: what counts as missing (an error of the step, with an
// empty log) and what ran (its own exit status), whatever PATH the task sets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testStepJob } from '../pods/test-jobs.ts';
import { collectStep, startHarness, type Harness } from '../testing/harness.ts';

describe('the command of a step', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness({ cacheClaim: 'missing-command-cache' });
    await harness.startExecutor();
  });

  after(async () => {
    await harness.close();
  });

  it('a shell builtin or keyword as run.path is a missing executable, with nothing in the log', async () => {
    // Concourse execs run.path directly: `exit`, `cd`, `if` are no executables there.
    for (const path of ['exit', 'cd', 'if']) {
      const job = testStepJob({ run: { path, args: ['3'], env: {} } });
      const outcome = collectStep(harness.bus, job);
      await harness.bus.publishStepJob(job);
      const { final, stdout, stderr } = await outcome;
      assert.equal(`${stdout}${stderr}`, '', `${path}: log holds only the step's error`);
      assert.equal(final.kind, 'errored', `${path}: ${JSON.stringify(final)}`);
    }
  });

  it('a PATH in the task params does not lose the output of a command that runs', async () => {
    // busybox/alpine keep tee, head, wc, mkfifo and setsid in /usr/bin.
    const job = testStepJob({
      run: {
        path: 'sh',
        args: ['-c', 'echo hello; echo oops >&2'],
        env: { PATH: '/opt/tools:/bin' },
      },
    });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stdout, stderr } = await outcome;
    assert.equal(final.kind === 'exited' && final.exitStatus, 0);
    assert.equal(stdout.toString(), 'hello\n');
    assert.equal(stderr.toString(), 'oops\n');
  });

  it('a command that ran and exited 127 is a failure, even if its file is gone afterwards', async () => {
    const caches = [{ path: 'cache', key: 'self-deleting' }];
    const make = testStepJob({
      caches,
      run: {
        path: 'sh',
        args: [
          '-c',
          `printf '#!/bin/sh\\nrm -- "$0"\\necho ran >&2\\nexit 127\\n' >cache/s.sh; chmod +x cache/s.sh`,
        ],
        env: {},
      },
    });
    const made = collectStep(harness.bus, make);
    await harness.bus.publishStepJob(make);
    assert.equal((await made).final.kind, 'exited');

    const job = testStepJob({ caches, run: { path: 'cache/s.sh', args: [], env: {} } });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stderr } = await outcome;
    assert.equal(stderr.toString(), 'ran\n');
    // The supervisor started it (it knows): the exit status is the command's own.
    assert.deepEqual(
      [
        final.kind,
        final.kind === 'exited' ? final.exitStatus : (final as { message?: string }).message,
      ],
      ['exited', 127],
    );
  });
});
