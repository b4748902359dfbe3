import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { handleSelector } from '@jetbridge/k8s';
import type { StepJob } from '@jetbridge/bus';
import { silentLogger } from '@jetbridge/telemetry';
import { Registry } from 'prom-client';
import { runExec } from './exec/run-exec.ts';
import { runStep as runStepDirectly, type StepDeps } from './exec/step-runner.ts';
import { createExecutorMetrics } from './metrics.ts';
import { buildPodSpec } from './pods/pod-spec.ts';
import { KubeClient } from './kube/kube-client.ts';
import { toolboxAnnotation, toolboxMountPath } from './kube/toolbox-exec.ts';
import { testStepJob } from './pods/test-jobs.ts';
import { toolboxInitContainer } from './pods/toolbox-form.ts';
import { collectStep, startHarness, type Harness } from './testing/harness.ts';

// A distroless image: Node.js at /nodejs/bin/node, and no sh, no busybox, no tools at all.
const shellLessImage = { ref: 'gcr.io/distroless/nodejs22-debian12', env: [] };
const node = (script: string) => ({
  path: '/nodejs/bin/node',
  args: ['-e', script],
  env: {},
});

describe('steps in images without sh', () => {
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

  const runStep = async (job: StepJob) => {
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    return outcome;
  };

  it('runs the step to its exit status, with its exact output and its inputs, in toolbox form', async () => {
    const executor = await harness.startExecutor();
    const producer = testStepJob({
      outputs: [{ name: 'out', path: 'out' }],
      run: { path: 'sh', args: ['-c', 'printf "from busybox" > out/greeting'], env: {} },
    });
    assert.equal((await runStep(producer)).final.kind, 'exited');

    const script = [
      'const fs = require("fs");',
      'process.stdout.write("out\\r\\n" + fs.readFileSync("in/greeting", "utf8") + "\\n");',
      'process.stdout.write("PATH=" + process.env.PATH + "\\nno newline");',
      'process.stderr.write("err\\r\\nonly");',
      'process.exitCode = 3;',
    ].join(' ');
    const job = testStepJob({
      image: shellLessImage,
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
      run: node(script),
    });
    const { final, stdout, stderr, events } = await runStep(job);
    assert.equal(final.kind === 'exited' && final.exitStatus, 3, stderr.toString());
    assert.equal(
      stdout.toString(),
      'out\r\nfrom busybox\n' +
        `PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${toolboxMountPath}\n` +
        'no newline',
    );
    assert.equal(stderr.toString(), 'err\r\nonly');
    assert.equal(events.filter((e) => e.kind === 'started').length, 1);

    const [pod, ...others] = await podsOf(job.handle);
    assert.equal(others.length, 0);
    assert.equal(pod?.metadata?.annotations?.[toolboxAnnotation], 'step');
    assert.equal(pod?.spec?.initContainers?.[0]?.name, toolboxInitContainer);
    await executor.stop();
  });

  it('leaves a pod whose image has sh in the ordinary form', async () => {
    const executor = await harness.startExecutor();
    const job = testStepJob({ image: { ref: 'busybox', env: [] } });
    assert.equal((await runStep(job)).final.kind, 'exited');
    const [pod] = await podsOf(job.handle);
    assert.equal(pod?.metadata?.annotations?.[toolboxAnnotation], undefined);
    assert.equal(pod?.spec?.initContainers, undefined);
    await executor.stop();
  });

  it('wraps the execs of a client that did not start the pod, and only into the step container', async () => {
    const executor = await harness.startExecutor();
    const job = testStepJob({ image: shellLessImage, run: node('') });
    assert.equal((await runStep(job)).final.kind, 'exited');

    const fresh = new KubeClient(harness.settings.kubeconfigPath, harness.namespace);
    const result = await runExec(fresh, job.podName, [
      'sh',
      '-c',
      'command -v sh; command -v tar; echo "$PATH"',
    ]);
    assert.equal(result.exitCode, 0, result.stderr.toString());
    assert.equal(
      result.stdout.toString(),
      `${toolboxMountPath}/sh\n${toolboxMountPath}/tar\n` +
        `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${toolboxMountPath}\n`,
    );
    assert.equal(await fresh.runsWithToolbox(job.podName, 'step'), true);
    assert.equal(await fresh.runsWithToolbox(job.podName, 'artifact-helper'), false);
    await executor.stop();
  });

  it('reports a command the image does not have as an error of the step', async () => {
    const executor = await harness.startExecutor();
    const job = testStepJob({ image: shellLessImage, run: { path: 'bash', args: [], env: {} } });
    const { final } = await runStep(job);
    assert.equal(
      final.kind === 'errored' && final.message,
      'exec: "bash": executable file not found in $PATH',
    );
    await executor.stop();
  });

  it('makes a pod an earlier executor created in the ordinary form again in toolbox form', async () => {
    const job = testStepJob({ image: shellLessImage, run: node('console.log("ran")') });
    const ordinary = await client.core.createNamespacedPod({
      namespace: harness.namespace,
      body: buildPodSpec(job, harness.settings),
    });
    const executor = await harness.startExecutor();
    const { final, stdout } = await runStep(job);
    assert.equal(final.kind === 'exited' && final.exitStatus, 0);
    assert.equal(stdout.toString(), 'ran\n');
    const [pod, ...others] = await podsOf(job.handle);
    assert.equal(others.length, 0);
    assert.notEqual(pod?.metadata?.uid, ordinary.metadata?.uid);
    assert.equal(pod?.metadata?.annotations?.[toolboxAnnotation], 'step');
    await executor.stop();
  });

  it('runs a job delivered to two executors at once only once, both reporting its result', async () => {
    const script =
      'const fs = require("fs"); fs.appendFileSync("/.jetbridge/runs", "run\\n"); ' +
      'setTimeout(() => { console.log(fs.readFileSync("/.jetbridge/runs", "utf8").split("\\n").length - 1); process.exit(2); }, 500);';
    const job = testStepJob({ image: shellLessImage, run: node(script) });
    const both = collectStep(
      harness.bus,
      job,
      (events) => events.filter((e) => e.kind === 'exited' || e.kind === 'errored').length >= 2,
    );
    const deliver = () =>
      runStepDirectly(
        {
          client: new KubeClient(harness.settings.kubeconfigPath, harness.namespace),
          bus: harness.bus,
          settings: harness.settings,
          metrics: createExecutorMetrics(new Registry()),
        } as StepDeps,
        job,
        silentLogger(),
        new AbortController().signal,
      );
    await Promise.all([deliver(), deliver()]);
    const { events } = await both;
    const finals = events.filter((e) => e.kind === 'exited' || e.kind === 'errored');
    assert.deepEqual(
      finals.map((e) => (e.kind === 'exited' ? e.exitStatus : e.message)),
      [2, 2],
    );
    const out = events
      .filter((e) => e.kind === 'output' && e.stream === 'stdout')
      .map((e) => (e.kind === 'output' ? Buffer.from(e.data).toString() : ''));
    assert.ok(out.length > 0 && out.every((text) => text.trim() === '1'), JSON.stringify(out));
    assert.equal((await podsOf(job.handle)).length, 1);
  });

  it('re-attaches after an executor restart and runs the command once', async () => {
    const first = await harness.startExecutor();
    const script = [
      'const fs = require("fs");',
      'fs.appendFileSync("/.jetbridge/runs", "run\\n");',
      'console.log("before");',
      'const timer = setInterval(() => {',
      '  if (!fs.existsSync("go")) return;',
      '  clearInterval(timer);',
      '  console.log("after", fs.readFileSync("/.jetbridge/runs", "utf8").split("\\n").length - 1);',
      '}, 50);',
    ].join('\n');
    const job = testStepJob({ image: shellLessImage, run: node(script) });
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
    assert.equal(stdout.toString(), 'before\nafter 1\n');
    assert.equal((await podsOf(job.handle)).length, 1);
    await second.stop();
  });
});

describe('a toolbox image that cannot be pulled', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness({
      podStartupTimeoutMs: 20_000,
      toolboxImage: 'example.com/toolbox-does-not-exist:1',
    });
  });

  after(async () => {
    await harness.close();
  });

  it('fails the step at once with diagnostics naming the init container, not at the startup timeout', async () => {
    const executor = await harness.startExecutor();
    const job = testStepJob({ image: shellLessImage, run: node('console.log("never")') });
    const startedAt = Date.now();
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const { final, stderr } = await outcome;
    assert.equal(final.kind, 'errored');
    const elapsed = Date.now() - startedAt;
    assert.ok(elapsed < 15_000, `waited ${elapsed} ms, as if for the startup timeout`);
    const text = stderr.toString();
    assert.match(text, /--- Pod Failure Diagnostics ---/);
    assert.match(text, /ErrImagePull|ImagePullBackOff/);
    assert.match(text, /toolbox-does-not-exist/);
    await executor.stop();
  });
});
