import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dnsLabelPart, handleSelector, stepPodName } from '@jetbridge/k8s';
import type { StepJob } from '@jetbridge/bus';
import { silentLogger } from '@jetbridge/telemetry';
import { Registry } from 'prom-client';
import { runStep, type StepDeps } from './exec/step-runner.ts';
import { KubeClient } from './kube/kube-client.ts';
import { createExecutorMetrics } from './metrics.ts';
import { mainContainer } from './pods/pod-spec.ts';
import { testStepJob } from './pods/test-jobs.ts';
import { collectStep, onRealCluster, startHarness, type Harness } from './testing/harness.ts';

const startupTimeoutMs = 3000;

describe('pod startup, lifecycle and timeouts', () => {
  let harness: Harness;
  let client: KubeClient;

  before(async () => {
    harness = await startHarness({
      podStartupTimeoutMs: startupTimeoutMs,
      cacheClaim: onRealCluster ? null : 'jetbridge-cache',
    });
    client = new KubeClient(harness.settings.kubeconfigPath, harness.namespace);
    await harness.startExecutor();
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

  it('creates and runs pods for names with spaces, capitals, slashes, %, +, dots and emoji', async () => {
    const hostile = ['My Pipeline/v1.2 🚀', 'Build+Test 100%', 'ÜBER.step ✓', '🔥🔥🔥'];
    for (const name of hostile) {
      const base = testStepJob();
      const job = testStepJob({
        buildId: base.buildId,
        handle: base.handle,
        podName: stepPodName({
          pipeline: name,
          job: `${name} job`,
          buildName: `${name}.1`,
          stepType: 'task',
          handle: base.handle,
        }),
        metadata: { ...base.metadata, pipeline: name, job: `${name} job`, stepName: name },
      });
      const outcome = collectStep(harness.bus, job);
      await harness.bus.publishStepJob(job);
      const { final } = await outcome;
      assert.equal(
        final.kind === 'exited' && final.exitStatus,
        0,
        `${name}: ${JSON.stringify(final)}`,
      );
      const [pod] = await podsOf(job.handle);
      assert.equal(pod?.metadata?.annotations?.['concourse.ci/pipeline'], name);
    }
  });

  it('waits for an Unschedulable pod until the startup timeout, then fails with diagnostics', async () => {
    const job = testStepJob({ limits: { memory: 1024 ** 5 } });
    const startedAt = Date.now();
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stderr } = await outcome;
    const elapsed = Date.now() - startedAt;
    assert.equal(final.kind, 'errored');
    assert.ok(elapsed >= startupTimeoutMs, `failed after ${elapsed} ms, before the timeout`);
    const text = stderr.toString();
    assert.match(text, /--- Pod Failure Diagnostics ---/);
    assert.match(text, /Unschedulable/);
    assert.match(text, /Insufficient memory/);
  });

  it('fails fast on an invalid image name, with diagnostics', async () => {
    const job = testStepJob({ image: { ref: 'Not/A//Valid:Image:', env: [] } });
    const startedAt = Date.now();
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stderr } = await outcome;
    assert.equal(final.kind, 'errored');
    assert.ok(Date.now() - startedAt < startupTimeoutMs, 'did not wait for the startup timeout');
    assert.match(stderr.toString(), /--- Pod Failure Diagnostics ---[\s\S]*InvalidImageName/);
  });

  it('records creation-to-Running in the startup histogram and Concourse container metrics', async () => {
    const job = testStepJob();
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    assert.equal((await outcome).final.kind, 'exited');
    const metric = await harness.registry
      .getSingleMetric('concourse_k8s_pod_startup_duration_ms')!
      .get();
    const count =
      metric.values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count'))
        ?.value ?? 0;
    assert.ok(count >= 1, `histogram count ${count}`);
    const text = await harness.registry.metrics();
    assert.match(text, /^concourse_containers_created_total [1-9]/m);
    assert.match(text, /^concourse_failed_containers_total [1-9]/m);
    assert.match(
      text,
      /^concourse_containers_creation_duration_seconds_count\{status="success"\} [1-9]/m,
    );
    assert.match(
      text,
      /^concourse_containers_creation_duration_seconds_count\{status="failure"\} [1-9]/m,
    );
  });

  it(
    'stops a step at its timeout: SIGTERM to the process, the pod deleted, the log says so',
    { skip: onRealCluster && 'needs kubesim claim files' },
    async () => {
      const key = `timeout-${Date.now()}`;
      const script =
        'trap "echo term > /cache/got-term; exit 0" TERM; echo running; while :; do sleep 0.1; done';
      const job = testStepJob({
        timeoutMs: 4000,
        caches: [{ path: '/cache', key }],
        run: { path: 'sh', args: ['-c', script], env: {} },
      });
      const startedAt = Date.now();
      const outcome = collectStep(harness.bus, job);
      await harness.bus.publishStepJob(job);
      const { final, stdout, stderr } = await outcome;
      assert.equal(final.kind === 'errored' && final.message, 'timeout');
      assert.equal(stdout.toString(), 'running\n');
      assert.match(stderr.toString(), /timeout exceeded/);
      assert.ok(Date.now() - startedAt < 4000 + 15_000, 'stopped within the grace period');
      const marker = join(
        harness.dataDir,
        'claims/jetbridge-cache/caches',
        dnsLabelPart(key),
        'got-term',
      );
      assert.equal(existsSync(marker) && readFileSync(marker, 'utf8'), 'term\n');
      const left = await podsOf(job.handle);
      assert.ok(
        left.every((pod) => pod.metadata?.deletionTimestamp),
        'the pod is being deleted',
      );
    },
  );

  it('errors a job sent again after its command started when the pod is gone, creating none', async () => {
    const job = {
      ...testStepJob({ run: { path: 'sh', args: ['-c', 'echo ran'], env: {} } }),
      resumeOnly: true,
    };
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stdout } = await outcome;
    assert.equal(
      final.kind === 'errored' && final.message,
      `pod ${job.podName} disappeared before the step finished; its command had started, so it is not run again`,
    );
    assert.equal(stdout.toString(), '');
    assert.deepEqual(await podsOf(job.handle), []);
  });

  it('never reuses a pod in a terminal phase: the step fails saying what happened to it', async () => {
    const job = testStepJob({ run: { path: 'sh', args: ['-c', 'echo ran'], env: {} } });
    await client.core.createNamespacedPod({
      namespace: harness.namespace,
      body: {
        metadata: { name: job.podName, labels: { 'concourse.ci/handle': job.handle } },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: mainContainer, image: 'busybox', command: ['true'] }],
        },
      },
    });
    await waitFor(async () => (await podsOf(job.handle))[0]?.status?.phase === 'Succeeded');
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stdout, stderr, events } = await outcome;
    assert.equal(final.kind, 'errored');
    assert.equal(
      events.some((e) => e.kind === 'started'),
      false,
    );
    assert.equal(stdout.toString(), '');
    assert.match(stderr.toString(), /PodSucceeded/);
  });

  it(
    'reports a pod killed from outside mid-command as what happened to it, not as a hang',
    { skip: onRealCluster && 'needs kubesim to kill the pod' },
    async () => {
      const job = testStepJob({
        run: { path: 'sh', args: ['-c', 'echo up; while :; do sleep 0.1; done'], env: {} },
      });
      const running = collectStep(harness.bus, job, (events) =>
        events.some((e) => e.kind === 'output'),
      );
      const finished = collectStep(harness.bus, job);
      await harness.bus.publishStepJob(job);
      await running;
      harness.sim.killPod(harness.namespace, job.podName);
      const { final } = await finished;
      assert.equal(final.kind, 'errored');
      assert.match(
        final.kind === 'errored' ? final.message : '',
        /stopped before the step finished|disappeared/,
      );
    },
  );

  const runDirectly = (job: StepJob) =>
    runStep(
      // Steps without inputs need no artifact store.
      {
        client,
        bus: harness.bus,
        settings: harness.settings,
        metrics: createExecutorMetrics(new Registry()),
      } as StepDeps,
      job,
      silentLogger(),
      new AbortController().signal,
    );

  it('finds the pod by its handle label when a redelivery derives another name', async () => {
    const script = 'echo once >> /.jetbridge/runs; wc -l < /.jetbridge/runs; exit 5';
    const job = testStepJob({ run: { path: 'sh', args: ['-c', script], env: {} } });
    const first = collectStep(harness.bus, job);
    await runDirectly(job);
    const { final } = await first;
    assert.equal(final.kind === 'exited' && final.exitStatus, 5);

    const renamed = { ...job, podName: `renamed-${job.podName.slice(-20)}` };
    const both = collectStep(
      harness.bus,
      renamed,
      (events) => events.filter((e) => e.kind === 'exited').length >= 2,
    );
    await runDirectly(renamed);
    const { events } = await both;
    assert.deepEqual(
      events.filter((e) => e.kind === 'exited').map((e) => e.kind === 'exited' && e.exitStatus),
      [5, 5],
    );
    const pods = await podsOf(job.handle);
    assert.deepEqual(
      pods.map((p) => p.metadata?.name),
      [job.podName],
    );
  });

  it('runs a job delivered twice at once only once, both deliveries reporting its result', async () => {
    const script = 'echo run >> /.jetbridge/runs; sleep 0.5; wc -l < /.jetbridge/runs; exit 2';
    const job = testStepJob({ run: { path: 'sh', args: ['-c', script], env: {} } });
    const both = collectStep(
      harness.bus,
      job,
      (events) => events.filter((e) => e.kind === 'exited' || e.kind === 'errored').length >= 2,
    );
    await Promise.all([runDirectly(job), runDirectly(job)]);
    const { events } = await both;
    const finals = events.filter((e) => e.kind === 'exited' || e.kind === 'errored');
    assert.deepEqual(
      finals.map((e) => e.kind === 'exited' && e.exitStatus),
      [2, 2],
    );
    const out = events
      .filter((e) => e.kind === 'output' && e.stream === 'stdout')
      .map((e) => (e.kind === 'output' ? Buffer.from(e.data).toString() : ''));
    assert.ok(out.length > 0 && out.every((text) => text.trim() === '1'), JSON.stringify(out));
    assert.equal((await podsOf(job.handle)).length, 1);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
