// JSON merge patch and JSON patch, applied to the parts of an object clients may change.
import { badRequest } from '../server/status-error.ts';
import type { KubeObject } from './types.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

interface Operation {
  op: string;
  path: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (!path.startsWith('/')) throw badRequest(`invalid JSON patch path "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function jsonPatch(target: unknown, operations: Operation[]): unknown {
  const doc = structuredClone(target);
  for (const operation of operations) {
    const parts = pointer(operation.path);
    const last = parts.pop()!;
    let parent: unknown = doc;
    for (const part of parts) {
      if (!isObject(parent) && !Array.isArray(parent))
        throw badRequest(`path "${operation.path}" not found`);
      parent = (parent as Record<string, unknown>)[part];
    }
    if (parent === null || typeof parent !== 'object')
      throw badRequest(`path "${operation.path}" not found`);
    const container = parent as Record<string, unknown>;
    if (operation.op === 'add' || operation.op === 'replace') {
      if (Array.isArray(container) && operation.op === 'add') {
        container.splice(last === '-' ? container.length : Number(last), 0, operation.value);
      } else {
        container[last] = operation.value;
      }
    } else if (operation.op === 'remove') {
      if (Array.isArray(container)) container.splice(Number(last), 1);
      else delete container[last];
    } else if (operation.op !== 'test') {
      throw badRequest(`unsupported JSON patch operation "${operation.op}"`);
    }
  }
  return doc;
}

// Applies changed labels and annotations only: spec and status belong to kubesim.
export function applyMetadataChange(object: KubeObject, changed: KubeObject): void {
  const labels = changed.metadata?.labels;
  const annotations = changed.metadata?.annotations;
  if (labels) object.metadata.labels = labels;
  else delete object.metadata.labels;
  if (annotations) object.metadata.annotations = annotations;
  else delete object.metadata.annotations;
}
