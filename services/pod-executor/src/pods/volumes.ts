// Every path a step uses (working directory, inputs, outputs, caches) gets a volume; a path named
// twice (the same input and output) is one volume, so the step's changes to an input are its output.
import { posix } from 'node:path';
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { StepJob } from '@jetbridge/bus';
import { dnsLabelPart } from '@jetbridge/k8s';

/** Where the supervisor keeps a step's stdin, output, pid and exit status. */
export const stateMountPath = '/.jetbridge';
const stateVolume = 'jb-state';
const cacheClaimVolume = 'jb-cache';

export interface VolumePlan {
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
}

export function resolveStepPath(workingDir: string, path: string): string {
  return (
    posix
      .normalize(posix.isAbsolute(path) ? path : posix.join(workingDir, path))
      .replace(/\/+$/, '') || '/'
  );
}

function isUnder(path: string, dir: string): boolean {
  return path.startsWith(dir === '/' ? '/' : `${dir}/`) && path !== dir;
}

function hasCacheUnder(job: StepJob, path: string): boolean {
  return job.caches.some((c) => isUnder(resolveStepPath(job.workingDir, c.path), path));
}

/**
 * Where input `index` is extracted into the running pod. A cache mounted under the input's path
 * hides what the input has there, as in Concourse; the input is therefore extracted through a
 * second mount of its volume, which no cache covers.
 */
export function inputExtractPath(job: StepJob, index: number): string {
  const path = resolveStepPath(job.workingDir, job.inputs[index]!.path);
  return hasCacheUnder(job, path) ? `${stateMountPath}/inputs/${index}` : path;
}

// Cache keys become directories of the claim: a safe relative path, whatever the key holds.
function cacheSubPath(key: string): string {
  return `caches/${dnsLabelPart(key) || 'cache'}`;
}

export function planVolumes(job: StepJob, cacheClaim: string | null): VolumePlan {
  const volumes: V1Volume[] = [{ name: stateVolume, emptyDir: {} }];
  const mounts: V1VolumeMount[] = [{ name: stateVolume, mountPath: stateMountPath }];
  const taken = new Set<string>([stateMountPath]);

  const addEmptyDir = (family: string, path: string): void => {
    const mountPath = resolveStepPath(job.workingDir, path);
    if (taken.has(mountPath)) return;
    taken.add(mountPath);
    const name = `${family}-${volumes.length}`;
    volumes.push({ name, emptyDir: {} });
    mounts.push({ name, mountPath });
  };

  addEmptyDir('workdir', job.workingDir);
  for (const input of job.inputs) addEmptyDir('input', input.path);
  for (const output of job.outputs) addEmptyDir('output', output.path);

  if (cacheClaim !== null && job.caches.length > 0) {
    volumes.push({ name: cacheClaimVolume, persistentVolumeClaim: { claimName: cacheClaim } });
  }
  for (const cache of job.caches) {
    if (cacheClaim === null) {
      addEmptyDir('cache', cache.path);
      continue;
    }
    const mountPath = resolveStepPath(job.workingDir, cache.path);
    if (taken.has(mountPath)) continue;
    taken.add(mountPath);
    mounts.push({ name: cacheClaimVolume, mountPath, subPath: cacheSubPath(cache.key) });
  }

  job.inputs.forEach((input, index) => {
    const extractAt = inputExtractPath(job, index);
    const path = resolveStepPath(job.workingDir, input.path);
    const own = mounts.find((m) => m.mountPath === path);
    if (extractAt !== path && own) mounts.push({ name: own.name, mountPath: extractAt });
  });

  // Parents before children, so a volume inside the working directory is mounted over it.
  mounts.sort((a, b) => a.mountPath.split('/').length - b.mountPath.split('/').length);
  return { volumes, mounts };
}
