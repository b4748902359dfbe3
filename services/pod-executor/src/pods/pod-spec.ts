// The pod of one step: a main container that only waits (the pause command), so the real command
// can run through exec and the pod outlives it for `fly intercept`.
import type {
  V1EnvVar,
  V1Pod,
  V1ResourceRequirements,
  V1SecurityContext,
} from '@kubernetes/client-node';
import type { StepJob } from '@jetbridge/bus';
import { stepAnnotations, stepLabels } from '@jetbridge/k8s';
import { addArtifactHelpers } from '../artifacts/claim-helper.ts';
import type { PodExecutorSettings } from '../settings.ts';
import { chooseImage } from './image.ts';
import { planVolumes } from './volumes.ts';

export const mainContainer = 'step';
export const terminationGracePeriodSeconds = 5;
export const pauseCommand = [
  'sh',
  '-c',
  'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done',
];

function environment(job: StepJob): V1EnvVar[] {
  const merged = new Map<string, string>();
  for (const entry of job.image.env) {
    const eq = entry.indexOf('=');
    if (eq > 0) merged.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  for (const [name, value] of Object.entries(job.run.env)) merged.set(name, value);
  // Resource scripts (the mock resource among them) learn from this whether they run privileged.
  if (job.type !== 'task') merged.set('JETBRIDGE_PRIVILEGED', String(job.privileged));
  return [...merged].map(([name, value]) => ({ name, value }));
}

// Concourse's cpu limit is in shares (1024 = one CPU) and memory in bytes.
function resources(job: StepJob): V1ResourceRequirements | undefined {
  const limits: Record<string, string> = {};
  if (job.limits?.cpu) limits.cpu = `${Math.max(1, Math.round((job.limits.cpu * 1000) / 1024))}m`;
  if (job.limits?.memory) limits.memory = String(job.limits.memory);
  // Requests equal to the limits: the scheduler places the pod where the limits fit, as
  // Kubernetes would default them, and a step that asks more than any node has stays Unschedulable.
  return Object.keys(limits).length > 0 ? { limits, requests: { ...limits } } : undefined;
}

function securityContext(job: StepJob): V1SecurityContext {
  const context: V1SecurityContext = job.privileged
    ? { privileged: true }
    : { privileged: false, allowPrivilegeEscalation: false };
  const user = job.run.user ?? job.image.user;
  if (user !== undefined && /^\d+$/.test(user)) context.runAsUser = Number(user);
  return context;
}

export function buildPodSpec(job: StepJob, settings: PodExecutorSettings): V1Pod {
  const { image, pullSecrets } = chooseImage(job, settings);
  const { volumes, mounts } = planVolumes(job, settings.cacheClaim);
  const meta = job.metadata;
  const pod: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: job.podName,
      namespace: settings.namespace,
      labels: stepLabels({
        namespace: settings.namespace,
        pipeline: meta.pipeline,
        job: meta.job,
        buildId: job.buildId,
        stepName: meta.stepName,
        handle: job.handle,
      }),
      annotations: stepAnnotations({
        team: meta.team,
        pipeline: meta.pipeline,
        job: meta.job,
        buildId: job.buildId,
        buildName: meta.buildName,
        stepName: meta.stepName,
        stepType: job.type,
        planId: job.planId,
        attempt: job.attempt,
      }),
    },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds,
      ...(settings.serviceAccount ? { serviceAccountName: settings.serviceAccount } : {}),
      ...(pullSecrets.length > 0
        ? { imagePullSecrets: pullSecrets.map((name) => ({ name })) }
        : {}),
      containers: [
        {
          name: mainContainer,
          image,
          command: pauseCommand,
          workingDir: job.workingDir,
          env: environment(job),
          volumeMounts: mounts,
          securityContext: securityContext(job),
          ...(resources(job) ? { resources: resources(job) } : {}),
        },
      ],
      volumes,
    },
  };
  if (settings.artifactStoreClaim === null) return pod;
  return addArtifactHelpers(pod, job, settings.artifactStoreClaim, settings.artifactHelperImage);
}
