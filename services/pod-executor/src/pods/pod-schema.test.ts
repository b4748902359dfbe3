import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkHandle, checkPodName, containerHandle, stepPodName } from '@jetbridge/k8s';
import type { StepJob, StepJobInput } from '@jetbridge/bus';
import type { PodExecutorSettings } from '../settings.ts';
import { podSchemaErrors } from '../testing/pod-schema.ts';
import { buildPodSpec } from './pod-spec.ts';
import { testStepJob } from './test-jobs.ts';
import { toolboxForm } from './toolbox-form.ts';

const plain: PodExecutorSettings = {
  namespace: 'ci',
  kubeconfigPath: null,
  podStartupTimeoutMs: 1000,
  maxInFlight: 1,
  imagePullSecrets: [],
  serviceAccount: null,
  imageRegistryPrefix: null,
  imageRegistrySecret: null,
  cacheClaim: null,
  artifactStoreClaim: null,
  artifactHelperImage: 'alpine:latest',
};
const everything: PodExecutorSettings = {
  ...plain,
  imagePullSecrets: ['pull-one', 'registry.pull'],
  serviceAccount: 'jetbridge-steps',
  imageRegistryPrefix: 'registry.example.com/ci-types/',
  imageRegistrySecret: 'ci-types-pull',
  cacheClaim: 'jetbridge-cache',
  artifactStoreClaim: 'jetbridge-artifacts',
};

// A job named the way a user could name things: unicode, spaces, capitals, slashes, emoji.
function namedJob(
  pipeline: string | null,
  job: string | null,
  overrides: Partial<StepJobInput>,
): StepJob {
  const buildId = 4242;
  const planId = overrides.planId ?? 'p1';
  const handle = containerHandle({ buildId, planId, attempt: '1' });
  const type = overrides.type ?? 'task';
  return testStepJob({
    buildId,
    planId,
    handle,
    podName: stepPodName({ pipeline, job, buildName: '17.3', stepType: type, handle }),
    metadata: {
      teamId: 3,
      team: 'Team Ü',
      pipelineId: pipeline === null ? null : 9,
      pipeline,
      instanceVars: pipeline === null ? null : { branch: 'feature/ü' },
      jobId: job === null ? null : 11,
      job,
      buildName: '17.3',
      stepName: overrides.metadata?.stepName ?? 'Unit Tests ✓/fast',
      resource: null,
    },
    ...overrides,
  });
}

const shapes: Record<string, () => { job: StepJob; settings: PodExecutorSettings }> = {
  'a plain task': () => ({ job: testStepJob(), settings: plain }),
  'a task with inputs, outputs, caches, limits, env and a user': () => ({
    job: namedJob('🚀 Déploiement/PROD', 'Build+Test %', {
      workingDir: '/tmp/build/3fa1',
      image: { ref: 'golang:1.23', env: ['GOPATH=/go', 'WEIRD.NAME=1'], user: '1000' },
      inputs: [
        { name: 'repo', path: 'repo', source: { kind: 'artifact', key: 'a1' } },
        { name: 'Same Path', path: 'shared', source: { kind: 'artifact', key: 'a2' } },
      ],
      outputs: [
        { name: 'shared', path: 'shared' },
        { name: 'Out/Put ✓', path: '/abs/out' },
      ],
      caches: [
        { path: 'cache', key: 'team-3/job/step/cache' },
        { path: '/root/.m2', key: 'team-3/job/step/../../m2' },
      ],
      limits: { cpu: 512, memory: 1024 * 1024 * 1024 },
      run: { path: 'make', args: ['test'], env: { 'my-var': 'x', EMPTY: '' }, dir: 'repo' },
    }),
    settings: everything,
  }),
  'a privileged task': () => ({ job: testStepJob({ privileged: true }), settings: everything }),
  'a get of a base resource type': () => ({
    job: namedJob('pl', 'jb', {
      type: 'get',
      captureStdout: true,
      image: { ref: 'concourse/git-resource', env: [] },
      run: { path: '/opt/resource/in', args: ['/tmp/build/get'], env: {} },
      workingDir: '/tmp/build/get',
      stdin: '{}',
    }),
    settings: everything,
  }),
  'a put of a custom resource type through the registry prefix': () => ({
    job: namedJob('pl', 'jb', {
      type: 'put',
      captureStdout: true,
      image: { ref: 'my-org/slack-notifier:2', env: [] },
      run: { path: '/opt/resource/out', args: ['/tmp/build/put'], env: {} },
      workingDir: '/tmp/build/put',
    }),
    settings: everything,
  }),
  'a check pod': () => {
    const handle = checkHandle('scope:42', 77);
    return {
      job: testStepJob({
        type: 'check',
        handle,
        podName: checkPodName('My Repo (main) 🌳', handle),
        captureStdout: true,
        image: { ref: 'concourse/mock-resource', env: [] },
        metadata: {
          teamId: 1,
          team: 'main',
          pipelineId: 1,
          pipeline: 'pl',
          instanceVars: null,
          jobId: null,
          job: null,
          buildName: '77',
          stepName: 'My Repo (main) 🌳',
          resource: 'My Repo (main) 🌳',
        },
        run: { path: '/opt/resource/check', args: [], env: {} },
      }),
      settings: everything,
    };
  },
  'a one-off build (fly execute)': () => ({
    job: namedJob(null, null, {}),
    settings: plain,
  }),
  'a step with very long names': () => ({
    job: namedJob('p'.repeat(300), `${'J'.repeat(200)}---`, {
      outputs: [{ name: 'o'.repeat(300), path: `${'d'.repeat(200)}/x` }],
    }),
    settings: everything,
  }),
};

describe('step pod specs against the core/v1 Pod schema', () => {
  for (const [shape, make] of Object.entries(shapes)) {
    it(`accepts ${shape}`, () => {
      const { job, settings } = make();
      assert.deepEqual(podSchemaErrors(buildPodSpec(job, settings)), []);
    });
    it(`accepts ${shape} in toolbox form`, () => {
      const { job, settings } = make();
      const pod = toolboxForm(
        buildPodSpec(job, settings),
        'registry.example.com/busybox:stable-musl',
      );
      assert.deepEqual(podSchemaErrors(pod), []);
    });
  }

  it('rejects a pod with an unknown field, as a strict API server would', () => {
    const pod = buildPodSpec(testStepJob(), plain);
    const container = pod.spec!.containers[0]!;
    (container as unknown as Record<string, unknown>).workdir = '/tmp';
    (pod.spec as unknown as Record<string, unknown>).restartPolicies = 'Never';
    const errors = podSchemaErrors(pod);
    assert.ok(errors.some((e) => e.includes('/spec/containers/0/workdir: unknown field')));
    assert.ok(errors.some((e) => e.includes('/spec/restartPolicies: unknown field')));
  });

  it('rejects wrong types, bad enums and invalid names', () => {
    const pod = buildPodSpec(testStepJob(), plain);
    pod.metadata!.name = 'Bad_Name-';
    pod.metadata!.labels!['concourse.ci/step'] = 'ends with space ';
    pod.spec!.restartPolicy = 'Sometimes';
    pod.spec!.volumes!.push({ ...pod.spec!.volumes![0]! });
    const errors = podSchemaErrors(pod).join('\n');
    assert.match(errors, /restartPolicy must be equal to one of the allowed values/);
    assert.match(errors, /metadata.name Bad_Name-: not a DNS label/);
    assert.match(errors, /not a label value/);
    assert.match(errors, /duplicate/);
  });
});

describe('resource step pods', () => {
  it('tell resource scripts whether they run privileged', () => {
    for (const privileged of [true, false]) {
      const job = testStepJob({
        type: 'get',
        privileged,
        image: { ref: 'concourse/mock-resource', env: [] },
      });
      const env = buildPodSpec(job, plain).spec!.containers[0]!.env ?? [];
      assert.deepEqual(
        env.find((e) => e.name === 'JETBRIDGE_PRIVILEGED')?.value,
        String(privileged),
      );
    }
  });

  it('pull custom resource type images from the registry prefix with its secret', () => {
    const job = shapes['a put of a custom resource type through the registry prefix']!().job;
    const spec = buildPodSpec(job, everything).spec!;
    assert.equal(
      spec.containers[0]!.image,
      'registry.example.com/ci-types/my-org/slack-notifier:2',
    );
    assert.deepEqual(
      spec.imagePullSecrets?.map((s) => s.name),
      ['pull-one', 'registry.pull', 'ci-types-pull'],
    );
  });
});
