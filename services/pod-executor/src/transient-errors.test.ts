import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testStepJob } from './pods/test-jobs.ts';
import type { FaultProxy } from './testing/fault-proxy.ts';
import { collectStep, onRealCluster, startHarness, type Harness } from './testing/harness.ts';

const podsPath = (url: string): boolean => /\/api\/v1\/namespaces\/[^/]+\/pods(\?|$)/.test(url);
const isWatch = (url: string): boolean => podsPath(url) && /[?&]watch=(true|1)/.test(url);

describe('transient Kubernetes API errors', { skip: onRealCluster && 'needs kubesim' }, () => {
  let harness: Harness;
  let proxy: FaultProxy;

  before(async () => {
    harness = await startHarness({}, { faultProxy: true });
    proxy = harness.proxy!;
    await harness.startExecutor();
  });

  after(async () => {
    await harness.close();
  });

  const runsToExit = async (marker: string): Promise<void> => {
    const job = testStepJob({ run: { path: 'echo', args: [marker], env: {} } });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stdout } = await outcome;
    assert.equal(final.kind === 'exited' && final.exitStatus, 0);
    assert.equal(stdout.toString(), `${marker}\n`);
  };

  it('retries pod creation and listing through 429, 503 and connection resets', async () => {
    const before = proxy.injected.length;
    proxy.addRule({
      match: (m, u) => m === 'GET' && podsPath(u) && !isWatch(u),
      fault: 'throttle',
      times: 1,
    });
    proxy.addRule({
      match: (m, u) => m === 'GET' && podsPath(u) && !isWatch(u),
      fault: 'reset',
      times: 1,
    });
    proxy.addRule({ match: (m, u) => m === 'POST' && podsPath(u), fault: 'unavailable', times: 2 });
    proxy.addRule({ match: (m, u) => m === 'POST' && podsPath(u), fault: 'throttle', times: 1 });
    await runsToExit('through-faults');
    const injected = proxy.injected.slice(before).map((f) => f.split(' ').slice(0, 2).join(' '));
    assert.deepEqual(injected.sort(), [
      'reset GET',
      'throttle GET',
      'throttle POST',
      'unavailable POST',
      'unavailable POST',
    ]);
  });

  it('retries an exec refused while the container is not reported yet', async () => {
    const before = proxy.injected.length;
    proxy.addRule({
      match: (m, u) => m === 'UPGRADE' && u.includes('jetbridge-start'),
      fault: 'refuse-exec',
      times: 2,
    });
    proxy.addRule({
      match: (m, u) => m === 'UPGRADE' && u.includes('jetbridge-start'),
      fault: 'throttle',
      times: 1,
    });
    await runsToExit('after-refusals');
    assert.equal(proxy.injected.length - before, 3);
  });

  it('resumes a watch that breaks from the last resource version it saw', async () => {
    const before = proxy.requests.length;
    proxy.addRule({ match: (m, u) => m === 'GET' && isWatch(u), fault: 'cut-watch', times: 2 });
    await runsToExit('after-watch-cuts');
    const seen = proxy.requests.slice(before);
    const watches = seen.filter((r) => isWatch(r.split(' ')[1]!));
    assert.equal(watches.length, 3, `watches: ${watches.join(', ')}`);
    const versions = watches.map((w) => /resourceVersion=(\d+)/.exec(w)?.[1]);
    assert.ok(versions[0] !== undefined);
    assert.deepEqual(versions, [versions[0], versions[0], versions[0]]);
    const lists = seen.filter(
      (r) => r.startsWith('GET') && podsPath(r.split(' ')[1]!) && !isWatch(r),
    );
    assert.equal(lists.length, 1, 'resumed without listing again');
  });

  it('lists again when the resource version of a watch has expired', async () => {
    const before = proxy.requests.length;
    proxy.addRule({ match: (m, u) => m === 'GET' && isWatch(u), fault: 'expire-watch', times: 1 });
    await runsToExit('after-expiry');
    const gets = proxy.requests
      .slice(before)
      .filter((r) => r.startsWith('GET ') && podsPath(r.slice(4)));
    const kinds = gets.map((r) => (isWatch(r.slice(4)) ? 'watch' : 'list'));
    assert.deepEqual(kinds.slice(0, 3), ['list', 'watch', 'list']);
    assert.ok(proxy.injected.some((f) => f.startsWith('expire-watch')));
  });

  it('follows the output from the files when the exec that started the command breaks', async () => {
    proxy.addRule({
      match: (m, u) => m === 'UPGRADE' && u.includes('jetbridge-start'),
      fault: 'cut-exec',
      times: 1,
    });
    const script = 'echo one; echo two >&2; echo three; exit 5';
    const job = testStepJob({ run: { path: 'sh', args: ['-c', script], env: {} } });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stdout, stderr } = await outcome;
    assert.equal(final.kind === 'exited' && final.exitStatus, 5);
    assert.equal(stdout.toString(), 'one\nthree\n');
    assert.equal(stderr.toString(), 'two\n');
  });

  it('finishes a step from its exit status when the output stream cannot be followed', async () => {
    proxy.addRule({
      match: (m, u) => m === 'UPGRADE' && u.includes('jetbridge-start'),
      fault: 'cut-exec',
      times: 1,
    });
    proxy.addRule({
      match: (m, u) => m === 'UPGRADE' && u.includes('jetbridge-follow'),
      fault: 'forbid-exec',
      times: 1000,
    });
    const job = testStepJob({ run: { path: 'sh', args: ['-c', 'echo lost; exit 7'], env: {} } });
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stderr } = await outcome;
    assert.equal(final.kind === 'exited' && final.exitStatus, 7);
    assert.match(stderr.toString(), /warning: log stream interrupted\n$/);
  });
});
