import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { testStepJob } from './pods/test-jobs.ts';
import { collectStep, startHarness, type Harness } from './testing/harness.ts';

describe('step streams', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
    await harness.startExecutor();
  });

  after(async () => {
    await harness.close();
  });

  it('delivers binary output byte for byte, stdout and stderr apart', async () => {
    // Every byte value, on both streams, interleaved, with invalid UTF-8 sequences among them.
    const script = [
      'i=0; while [ $i -lt 4 ]; do',
      "  printf '\\000\\001\\177\\200\\377\\303\\050\\342\\202'",
      "  printf '\\376\\375\\r\\n' >&2",
      '  i=$((i+1))',
      'done',
      "head -c 65536 /dev/zero | tr '\\000' '\\377'",
    ].join('\n');
    const job = testStepJob({ run: { path: 'sh', args: ['-c', script], env: {} } });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stdout, stderr } = await outcome;
    assert.equal(final.kind === 'exited' && final.exitStatus, 0);
    const chunk = Buffer.from([0, 1, 0x7f, 0x80, 0xff, 0xc3, 0x28, 0xe2, 0x82]);
    const expected = Buffer.concat([...Array(4).fill(chunk), Buffer.alloc(65536, 0xff)]);
    assert.ok(stdout.equals(expected), `stdout differs: ${stdout.length} bytes`);
    assert.ok(stderr.equals(Buffer.concat(Array(4).fill(Buffer.from([0xfe, 0xfd, 13, 10])))));
  });

  it('delivers stdin completely before it is closed', async () => {
    const input = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < input.length; i += 1) input[i] = 97 + (i % 26);
    const text = input.toString('utf8');
    const job = testStepJob({
      type: 'get',
      captureStdout: true,
      stdin: text,
      run: { path: 'sh', args: ['-c', 'cat > in; wc -c < in; sha256sum < in'], env: {} },
    });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final } = await outcome;
    assert.equal(final.kind, 'exited');
    const [count, sum] = (final.kind === 'exited' ? (final.stdout ?? '') : '').trim().split(/\s+/);
    assert.equal(Number(count), input.length);
    assert.equal(sum, createHash('sha256').update(input).digest('hex'));
  });
});
