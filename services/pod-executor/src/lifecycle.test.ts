import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { handleSelector } from '@jetbridge/k8s';
import { runExec } from './exec/run-exec.ts';
import { KubeClient } from './kube/kube-client.ts';
import { testStepJob } from './pods/test-jobs.ts';
import { collectStep, onRealCluster, startHarness, type Harness } from './testing/harness.ts';

describe('pod-executor failures, aborts and restarts', () => {
  let harness: Harness;
  let client: KubeClient;

  before(async () => {
    harness = await startHarness({ podStartupTimeoutMs: 20_000 });
    client = new KubeClient(harness.settings.kubeconfigPath, harness.namespace);
  });

  after(async () => {
    await harness.close();
  });

  const podsOf = async (handle: string) =>
    (
      await client.core.listNamespacedPod({
        namespace: harness.namespace,
        labelSelector: handleSelector(handle),
      })
    ).items;

  it('fails fast with diagnostics when the image cannot be pulled', async () => {
    const executor = await harness.startExecutor();
    const job = testStepJob({ image: { ref: 'example.com/does-not-exist:1', env: [] } });
    const startedAt = Date.now();
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stderr } = await outcome;
    assert.equal(final.kind, 'errored');
    assert.ok(Date.now() - startedAt < 10_000, 'did not wait for the startup timeout');
    const text = stderr.toString();
    assert.match(text, /--- Pod Failure Diagnostics ---/);
    assert.match(text, /ErrImagePull|ImagePullBackOff/);
    assert.match(text, /does-not-exist/);
    const metrics = await harness.registry.getSingleMetricAsString(
      'concourse_k8s_image_pull_failures_total',
    );
    assert.match(metrics, /concourse_k8s_image_pull_failures_total(\{[^}]*\})? [1-9]/);
    await executor.stop();
  });

  it('deletes the pod when the build is aborted', async () => {
    const executor = await harness.startExecutor();
    const job = testStepJob({
      run: { path: 'sh', args: ['-c', 'echo waiting; while :; do sleep 1; done'], env: {} },
    });
    const running = collectStep(harness.bus, job, (events) =>
      events.some((e) => e.kind === 'output'),
    );
    const finished = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    await running;
    await harness.bus.publishAbort({ v: 1, buildId: job.buildId, reason: 'aborted' });
    const { final } = await finished;
    assert.equal(final.kind === 'errored' && final.message, 'aborted');
    const left = await podsOf(job.handle);
    assert.ok(
      left.every((pod) => pod.metadata?.deletionTimestamp),
      'the pod is being deleted',
    );
    await executor.stop();
  });

  it('leaves the timeout message to web when web times the step out', async () => {
    const executor = await harness.startExecutor();
    const job = testStepJob({
      run: { path: 'sh', args: ['-c', 'echo waiting; while :; do sleep 1; done'], env: {} },
    });
    const running = collectStep(harness.bus, job, (events) =>
      events.some((e) => e.kind === 'output'),
    );
    const finished = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    await running;
    await harness.bus.publishAbort({
      v: 1,
      buildId: job.buildId,
      handle: job.handle,
      reason: 'timeout',
    });
    const { final, stderr } = await finished;
    assert.equal(final.kind === 'errored' && final.message, 'timeout');
    assert.doesNotMatch(stderr.toString(), /timeout exceeded/);
    await executor.stop();
  });

  it('re-attaches after an executor restart and runs the command once', async () => {
    const first = await harness.startExecutor();
    const script =
      'echo run >> /.jetbridge/runs; echo before; while [ ! -e go ]; do sleep 0.05; done; echo after; cat /.jetbridge/runs | wc -l';
    const job = testStepJob({ run: { path: 'sh', args: ['-c', script], env: {} } });
    const begun = collectStep(harness.bus, job, (events) =>
      events.some((e) => e.kind === 'output'),
    );
    const finished = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    await begun;
    await first.stop();

    const second = await harness.startExecutor();
    await runExec(client, job.podName, ['sh', '-c', `: > ${job.workingDir}/go`]);
    const { final, stdout } = await finished;
    assert.equal(final.kind === 'exited' && final.exitStatus, 0);
    assert.equal(stdout.toString().replace(/\s+/g, ' ').trim(), 'before after 1');
    assert.equal((await podsOf(job.handle)).length, 1);
    await second.stop();
  });

  it(
    'recovers output and exit status when the exec stream drops',
    {
      skip: onRealCluster && 'needs kubesim to drop exec streams',
    },
    async () => {
      const executor = await harness.startExecutor();
      const script = 'echo one; while [ ! -e go ]; do sleep 0.05; done; echo two; exit 4';
      const job = testStepJob({ run: { path: 'sh', args: ['-c', script], env: {} } });
      const begun = collectStep(harness.bus, job, (events) =>
        events.some((e) => e.kind === 'output'),
      );
      const finished = collectStep(harness.bus, job);
      await harness.bus.publishStepJob(job);
      await begun;
      harness.sim.dropExecStreams(harness.namespace, job.podName);
      await runExec(client, job.podName, ['sh', '-c', `: > ${job.workingDir}/go`]);
      const { final, stdout } = await finished;
      assert.equal(final.kind === 'exited' && final.exitStatus, 4);
      assert.equal(stdout.toString(), 'one\ntwo\n');
      await executor.stop();
    },
  );

  it('streams an input from another pod with files, empty dirs, symlinks and modes', async () => {
    const executor = await harness.startExecutor();
    const make = [
      'mkdir -p out/a out/b/c out/empty',
      'echo x > out/a/f',
      'printf "\\001\\002binary" > out/a/bin',
      'chmod 0700 out/b',
      'chmod 0755 out/a/f',
      'ln -s a/f out/rel-link',
      'ln -s /nowhere out/dangling',
    ].join(' && ');
    const producer = testStepJob({
      outputs: [{ name: 'out', path: 'out' }],
      run: { path: 'sh', args: ['-c', make], env: {} },
    });
    const produced = collectStep(harness.bus, producer);
    await harness.bus.publishStepJob(producer);
    assert.equal((await produced).final.kind, 'exited');

    const check = [
      'cd in',
      'test -d b/c && test -d empty',
      'stat -c "%a" b a/f',
      'readlink rel-link',
      'readlink dangling',
      'cat a/f',
      'od -c a/bin | head -1',
    ].join(' && ');
    const consumer = testStepJob({
      inputs: [
        {
          name: 'in',
          path: 'in',
          source: {
            kind: 'pod',
            handle: producer.handle,
            podName: producer.podName,
            path: `${producer.workingDir}/out`,
          },
        },
      ],
      run: { path: 'sh', args: ['-c', check], env: {} },
    });
    const consumed = collectStep(harness.bus, consumer);
    await harness.bus.publishStepJob(consumer);
    const { final, stdout, stderr } = await consumed;
    assert.equal(final.kind === 'exited' && final.exitStatus, 0, stderr.toString());
    const lines = stdout.toString().split('\n');
    assert.deepEqual(lines.slice(0, 5), ['700', '755', 'a/f', '/nowhere', 'x']);
    assert.match(lines[5] ?? '', /001 002 +b +i +n/);
    await executor.stop();
  });
});
