// Labels select pods (the handle label is how a pod is found again); annotations keep the full,
// unchanged names that labels and pod names had to shorten or rewrite.
import { shortHash } from './hash.ts';
import { workerName } from './names.ts';

export const labelKeys = {
  worker: 'concourse.ci/worker',
  pipeline: 'concourse.ci/pipeline',
  job: 'concourse.ci/job',
  build: 'concourse.ci/build',
  step: 'concourse.ci/step',
  handle: 'concourse.ci/handle',
} as const;

export const annotationKeys = {
  team: 'concourse.ci/team',
  pipeline: 'concourse.ci/pipeline',
  job: 'concourse.ci/job',
  buildName: 'concourse.ci/build-name',
  buildId: 'concourse.ci/build-id',
  step: 'concourse.ci/step',
  stepType: 'concourse.ci/step-type',
  planId: 'concourse.ci/plan-id',
  attempt: 'concourse.ci/attempt',
} as const;

const maxLabelLength = 63;
const edge = /^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g;

/**
 * A valid label value (`(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`, at most 63): characters
 * outside the syntax become `-`; a value that is cut, or that had nothing usable, ends in a hash
 * of the original so different names stay different.
 */
export function labelValue(text: string): string {
  const cleaned = text
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(edge, '');
  if (cleaned === '' && text !== '') return shortHash(text);
  if (cleaned.length <= maxLabelLength) return cleaned;
  const head = cleaned.slice(0, maxLabelLength - 9).replace(edge, '');
  return `${head}-${shortHash(text)}`;
}

export interface StepLabelsInput {
  namespace: string;
  pipeline: string | null;
  job: string | null;
  buildId: number;
  stepName: string;
  handle: string;
}

export function stepLabels(input: StepLabelsInput): Record<string, string> {
  const labels: Record<string, string> = {
    [labelKeys.worker]: labelValue(workerName(input.namespace)),
    [labelKeys.build]: String(input.buildId),
    [labelKeys.step]: labelValue(input.stepName),
    [labelKeys.handle]: input.handle,
  };
  if (input.pipeline !== null) labels[labelKeys.pipeline] = labelValue(input.pipeline);
  if (input.job !== null) labels[labelKeys.job] = labelValue(input.job);
  return labels;
}

export interface StepAnnotationsInput {
  team: string;
  pipeline: string | null;
  job: string | null;
  buildId: number;
  buildName: string;
  stepName: string;
  stepType: string;
  planId: string;
  attempt: string;
}

/** The names exactly as the user wrote them. */
export function stepAnnotations(input: StepAnnotationsInput): Record<string, string> {
  const annotations: Record<string, string> = {
    [annotationKeys.team]: input.team,
    [annotationKeys.buildId]: String(input.buildId),
    [annotationKeys.buildName]: input.buildName,
    [annotationKeys.step]: input.stepName,
    [annotationKeys.stepType]: input.stepType,
    [annotationKeys.planId]: input.planId,
    [annotationKeys.attempt]: input.attempt,
  };
  if (input.pipeline !== null) annotations[annotationKeys.pipeline] = input.pipeline;
  if (input.job !== null) annotations[annotationKeys.job] = input.job;
  return annotations;
}

/** Selects the pod of one container handle. */
export function handleSelector(handle: string): string {
  return `${labelKeys.handle}=${handle}`;
}
