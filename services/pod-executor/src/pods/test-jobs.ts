// Step jobs for tests: a valid job with every field, overridable.
import { stepJob, type StepJob, type StepJobInput } from '@jetbridge/bus';
import { containerHandle, stepPodName } from '@jetbridge/k8s';

let counter = 0;

export function testStepJob(overrides: Partial<StepJobInput> = {}): StepJob {
  counter += 1;
  const buildId = overrides.buildId ?? 1000 + counter + Math.floor(Math.random() * 1_000_000);
  const planId = overrides.planId ?? `plan-${counter}`;
  const handle = overrides.handle ?? containerHandle({ buildId, planId, attempt: '1' });
  return stepJob.parse({
    v: 1,
    buildId,
    planId,
    handle,
    podName: stepPodName({
      pipeline: 'pl',
      job: 'jb',
      buildName: String(buildId),
      stepType: 'task',
      handle,
    }),
    type: 'task',
    attempt: '1',
    metadata: {
      teamId: 1,
      team: 'main',
      pipelineId: 1,
      pipeline: 'pl',
      instanceVars: null,
      jobId: 1,
      job: 'jb',
      buildName: String(buildId),
      stepName: 'unit',
      resource: null,
    },
    image: { ref: 'busybox', env: [] },
    privileged: false,
    run: { path: 'sh', args: ['-c', 'echo hello'], env: {} },
    captureStdout: false,
    workingDir: '/tmp/build/work',
    inputs: [],
    outputs: [],
    caches: [],
    timeoutMs: null,
    ...overrides,
  } satisfies StepJobInput);
}
