// Public bug reports about pod names and log streams, replayed through the executor on kubesim.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { containerHandle, handleSelector, stepPodName } from '@jetbridge/k8s';
import type { StepJob } from '@jetbridge/bus';
import { KubeClient } from './kube/kube-client.ts';
import { testStepJob } from './pods/test-jobs.ts';
import { collectStep, startHarness, type Harness } from './testing/harness.ts';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function stepOf(
  pipeline: string,
  job: string,
  step: string,
  build: string,
  attempt: string,
): StepJob {
  const buildId = 500_000 + Math.floor(Math.random() * 1_000_000);
  const planId = `plan-${step}`;
  const handle = containerHandle({ buildId, planId, attempt });
  const base = testStepJob();
  return testStepJob({
    buildId,
    planId,
    handle,
    attempt,
    podName: stepPodName({ pipeline, job, buildName: build, stepType: 'task', handle }),
    metadata: { ...base.metadata, pipeline, job, buildName: build, stepName: step },
    run: { path: 'echo', args: ['ok'], env: {} },
  });
}

describe('bug cases about names and log streams', () => {
  let harness: Harness;
  let client: KubeClient;

  before(async () => {
    harness = await startHarness();
    client = new KubeClient(harness.settings.kubeconfigPath, harness.namespace);
    await harness.startExecutor();
  });

  after(async () => {
    await harness.close();
  });

  const run = async (job: StepJob) => {
    const outcome = collectStep(harness.bus, job);
    await harness.bus.publishStepJob(job);
    const result = await outcome;
    const [pod] = (
      await client.core.listNamespacedPod({
        namespace: harness.namespace,
        labelSelector: handleSelector(job.handle),
      })
    ).items;
    return { ...result, pod: pod! };
  };

  const assertValidNames = (pod: Awaited<ReturnType<typeof run>>['pod']) => {
    const name = pod.metadata!.name!;
    assert.ok(name.length <= 63 && dnsLabel.test(name), name);
    for (const value of Object.values(pod.metadata!.labels!)) {
      assert.ok(value.length <= 63 && labelValue.test(value), value);
    }
  };

  it('runs `freshen-🐋` and a full-width job with sanitised names and the real ones annotated', async () => {
    for (const job of ['freshen-🐋', 'ＡＡＡＡ']) {
      const { final, pod } = await run(stepOf('unicode', job, 't', '1', '1'));
      assert.equal(final.kind === 'exited' && final.exitStatus, 0);
      assertValidNames(pod);
      assert.equal(pod.metadata!.annotations!['concourse.ci/job'], job);
    }
  });

  it('gives every attempt of a step with very long names its own valid pod', async () => {
    const pipeline = 'release-candidate-validation-for-the-production-environment';
    const job = 'build-and-publish-all-the-artifacts-for-every-supported-platform';
    const step = 'run-the-extremely-thorough-integration-test-suite-against-staging';
    const names = new Set<string>();
    for (const attempt of ['1', '2', '3']) {
      const { final, pod } = await run(stepOf(pipeline, job, step, '12345', attempt));
      assert.equal(final.kind === 'exited' && final.exitStatus, 0);
      assertValidNames(pod);
      assert.equal(pod.metadata!.annotations!['concourse.ci/step'], step);
      names.add(pod.metadata!.name!);
    }
    assert.equal(names.size, 3);
  });

  it('runs steps named `build image`, `Run_Tests/unit` and `-leading-dash-and-trailing.`', async () => {
    for (const step of ['build image', 'Run_Tests/unit', '-leading-dash-and-trailing.']) {
      const { final, pod } = await run(stepOf('p', 'Build Image', step, '7', '1'));
      assert.equal(final.kind === 'exited' && final.exitStatus, 0);
      assertValidNames(pod);
      assert.equal(pod.metadata!.annotations!['concourse.ci/step'], step);
    }
  });

  it('keeps every byte after 300 carriage-return progress lines', async () => {
    const script = [
      'echo start',
      'i=1; while [ $i -le 300 ]; do printf "progress %3d%%\\r" $i; i=$((i+1)); done',
      'echo "this line must be shown"',
      "head -c 200000 /dev/zero | tr '\\0' x; echo",
      'echo "to stderr" >&2',
      'printf "last line without newline"',
    ].join('\n');
    const job = testStepJob({ run: { path: 'sh', args: ['-c', script], env: {} } });
    const { stdout, stderr } = await run(job);
    let progress = '';
    for (let i = 1; i <= 300; i += 1) progress += `progress ${String(i).padStart(3)}%\r`;
    const expected = `start\n${progress}this line must be shown\n${'x'.repeat(200_000)}\nlast line without newline`;
    assert.equal(stdout.toString(), expected);
    assert.equal(stderr.toString(), 'to stderr\n');
  });
});
