// Pod names: readable (pipeline, job, build, step type), valid DNS labels, at most 63 characters,
// and unique per step and attempt because they end in the container handle's first 8 hex digits.
import { cutPart, nameSegment } from './sanitise.ts';

export const maxNameLength = 63;

export interface StepPodNameInput {
  pipeline: string | null;
  job: string | null;
  buildName: string;
  stepType: string;
  handle: string;
}

function handleSuffix(handle: string): string {
  const hex = handle.toLowerCase().replace(/[^a-f0-9]/g, '');
  if (hex.length < 8) throw new Error(`container handle must be hex: ${handle}`);
  return hex.slice(0, 8);
}

// Shares `budget` characters between the parts, giving what a short part does not use to the others.
function fitParts(parts: string[], budget: number): string[] {
  let room = budget - (parts.length - 1);
  const result = new Array<string>(parts.length);
  const order = parts.map((p, i) => ({ p, i })).sort((a, b) => a.p.length - b.p.length);
  order.forEach(({ p, i }, position) => {
    const share = Math.floor(room / (order.length - position));
    const cut = cutPart(p, Math.max(1, share)) || p.slice(0, 1);
    result[i] = cut;
    room -= cut.length;
  });
  return result;
}

// Joins the readable parts and the handle suffix, cutting the parts only when the name is too long.
function composeName(parts: string[], suffix: string): string {
  const budget = maxNameLength - suffix.length - 1;
  const joined = parts.join('-');
  const head = joined.length <= budget ? joined : fitParts(parts, budget).join('-');
  return `${head}-${suffix}`;
}

function buildAndType(buildName: string, stepType: string): string[] {
  return [cutPart(`b${nameSegment(buildName)}`, 16), cutPart(nameSegment(stepType), 8)];
}

/** `<pipeline>-<job>-b<build>-<type>-<8hex>`; one-off builds: `oneoff-b<build>-<type>-<8hex>`. */
export function stepPodName(input: StepPodNameInput): string {
  const suffix = handleSuffix(input.handle);
  const tail = buildAndType(input.buildName, input.stepType);
  if (input.pipeline === null || input.job === null) {
    return composeName(['oneoff', ...tail], suffix);
  }
  const budget = maxNameLength - suffix.length - 1 - tail.join('-').length - 1;
  const [pipeline, job] = fitParts([nameSegment(input.pipeline), nameSegment(input.job)], budget);
  return composeName([pipeline!, job!, ...tail], suffix);
}

/** `chk-<resource>-<8hex>`. */
export function checkPodName(resourceName: string, handle: string): string {
  return composeName(['chk', nameSegment(resourceName)], handleSuffix(handle));
}

/** The synthetic worker every step pod of a namespace belongs to. */
export function workerName(namespace: string): string {
  return `k8s-${namespace}`;
}
