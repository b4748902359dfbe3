// Which artifacts a put step sees: `all`, an explicit list, or (the default) the artifacts named
// by strings in its params.
import type { PutPlan } from '@jetbridge/pipeline';
import type { ArtifactSource } from '../plan/artifacts.ts';
import { StepError } from '../plan/outcome.ts';

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) collectStrings(v, into);
  }
}

function candidateName(path: string): string | null {
  for (const segment of path.split('/')) {
    if (segment !== '' && segment !== '.' && segment !== '..') return segment;
  }
  return null;
}

export function putInputs(
  artifacts: Map<string, ArtifactSource>,
  put: PutPlan,
): Array<[string, ArtifactSource]> {
  if (put.inputs === 'all') return [...artifacts];
  if (Array.isArray(put.inputs)) {
    return put.inputs.map((name) => {
      const artifact = artifacts.get(name);
      if (!artifact) throw new StepError(`input not found: ${name}`);
      return [name, artifact];
    });
  }
  const strings: string[] = [];
  collectStrings(put.params ?? {}, strings);
  const picked = new Map<string, ArtifactSource>();
  for (const s of strings) {
    const name = candidateName(s);
    const artifact = name === null ? undefined : artifacts.get(name);
    if (name !== null && artifact) picked.set(name, artifact);
  }
  return [...picked];
}
