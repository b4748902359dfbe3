// Instance vars in query strings: `vars.<path>=<json leaf>`, both directions.
import { MalformedInstanceVarsError } from '../errors.ts';
import { kindOf } from '../config/shape.ts';
import { splitVarPath } from '../vars/var-ref.ts';

const NEEDS_QUOTES = /[,.:/ ]/;

function quoteSegment(segment: string): string {
  return NEEDS_QUOTES.test(segment) ? `"${segment}"` : segment;
}

function flatten(value: unknown, path: string[], out: Array<[string, unknown]>): void {
  if (kindOf(value) === 'object' && path.length === 0) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, [k], out);
    return;
  }
  if (kindOf(value) === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) {
      out.push([path.map(quoteSegment).join('.'), value]);
      return;
    }
    for (const [k, v] of entries) flatten(v, [...path, k], out);
    return;
  }
  out.push([path.map(quoteSegment).join('.'), value]);
}

export function instanceVarsToQuery(iv: Record<string, unknown>): URLSearchParams {
  const leaves: Array<[string, unknown]> = [];
  flatten(iv, [], leaves);
  leaves.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = new URLSearchParams();
  for (const [path, value] of leaves) query.append(`vars.${path}`, JSON.stringify(value));
  return query;
}

function setNested(target: Record<string, unknown>, segments: string[], value: unknown): void {
  let current = target;
  for (const segment of segments.slice(0, -1)) {
    if (kindOf(current[segment]) !== 'object') current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[segments.at(-1)!] = value;
}

function mergeInto(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (kindOf(v) === 'object' && kindOf(target[k]) === 'object') {
      mergeInto(target[k] as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      target[k] = v;
    }
  }
}

/** Decodes `vars` / `vars.<path>` parameters; null when there are none. Throws when malformed. */
export function instanceVarsFromQuery(q: URLSearchParams): Record<string, unknown> | null {
  const keys = [...new Set([...q.keys()])].filter((k) => k === 'vars' || k.startsWith('vars.'));
  if (keys.length === 0) return null;
  keys.sort();

  const root: Record<string, unknown> = {};
  for (const key of keys) {
    const segments = splitVarPath(key);
    if (segments.some((s) => s === '')) {
      throw new MalformedInstanceVarsError(`invalid var path '${key}'`);
    }
    for (const raw of q.getAll(key)) {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new MalformedInstanceVarsError(`value of '${key}' is not JSON: ${raw}`);
      }
      const patch: Record<string, unknown> = {};
      setNested(patch, segments, value);
      mergeInto(root, patch);
    }
  }
  const vars = root.vars;
  if (kindOf(vars) !== 'object') {
    throw new MalformedInstanceVarsError('instance vars must be an object');
  }
  return vars as Record<string, unknown>;
}
