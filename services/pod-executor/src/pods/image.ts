// Which image a step's container runs, and which pull secrets that needs.
import type { StepJob } from '@jetbridge/bus';
import type { PodExecutorSettings } from '../settings.ts';

export interface ImageChoice {
  image: string;
  pullSecrets: string[];
}

function hasRegistry(ref: string): boolean {
  const slash = ref.indexOf('/');
  if (slash < 0) return false;
  const first = ref.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

// Base resource types run JetBridge's `concourse/<type>-resource` images; any other image of a
// resource step is a custom resource type, which lives in the operator's registry when one is set.
function isCustomResourceImage(job: StepJob): boolean {
  if (job.type !== 'get' && job.type !== 'put' && job.type !== 'check') return false;
  return !/^concourse\/[a-z0-9-]+-resource(?::|@|$)/.test(job.image.ref);
}

export function chooseImage(job: StepJob, settings: PodExecutorSettings): ImageChoice {
  const pullSecrets = [...settings.imagePullSecrets];
  const prefix = settings.imageRegistryPrefix?.replace(/\/+$/, '');
  if (prefix && isCustomResourceImage(job) && !hasRegistry(job.image.ref)) {
    if (settings.imageRegistrySecret) pullSecrets.push(settings.imageRegistrySecret);
    return { image: `${prefix}/${job.image.ref}`, pullSecrets: [...new Set(pullSecrets)] };
  }
  return { image: job.image.ref, pullSecrets };
}
