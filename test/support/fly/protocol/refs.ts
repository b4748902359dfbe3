// Pipeline, job and resource flags (`name`, `name/k:v,k2:v2`, `pipeline[/vars]/job`) and how a
// pipeline reference is shown and put into query strings.
import { parse } from 'yaml';
import type { Query } from './target.ts';

export type InstanceVars = Record<string, unknown>;

export interface PipelineRef {
  name: string;
  instanceVars?: InstanceVars;
}

export interface JobRef {
  pipeline: PipelineRef;
  job: string;
}

/** Index of the first `stop` character outside quotes (fly's findUnquoted). */
function findUnquoted(s: string, quotes: string, stop: (c: string) => boolean): number {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quote === '') {
      if (stop(c)) return i;
      if (quotes.includes(c)) quote = c;
    } else if (c === quote) {
      quote = '';
    }
  }
  return -1;
}

function outsideOfYaml(target: string): (c: string) => boolean {
  let braces = 0;
  let brackets = 0;
  return (c) => {
    if (c === target && braces === 0 && brackets === 0) return true;
    if (c === '{') braces++;
    if (c === '}') braces--;
    if (c === '[') brackets++;
    if (c === ']') brackets--;
    return false;
  };
}

/** A var reference path: dot-separated, segments may be double-quoted. */
function parseRefPath(raw: string): string[] {
  const segments: string[] = [];
  let rest = raw.trim();
  while (rest.length > 0) {
    if (rest.startsWith('"')) {
      const end = rest.indexOf('"', 1);
      if (end === -1) throw new Error(`invalid var reference '${raw}': unterminated quote`);
      segments.push(rest.slice(1, end));
      rest = rest.slice(end + 1).replace(/^\./, '');
    } else {
      const dot = rest.indexOf('.');
      segments.push(dot === -1 ? rest : rest.slice(0, dot));
      rest = dot === -1 ? '' : rest.slice(dot + 1);
    }
  }
  return segments;
}

function setPath(target: InstanceVars, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const child = node[segment];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) node[segment] = {};
    node = node[segment] as InstanceVars;
  }
  node[path.at(-1) as string] = value;
}

export function parseInstanceVars(text: string): InstanceVars {
  const result: InstanceVars = {};
  let s = text;
  let pairs = 0;
  for (;;) {
    const colon = findUnquoted(s, '"', (c) => c === ':');
    if (colon === -1) break;
    const rawKey = s.slice(0, colon);
    s = s.slice(colon + 1);
    const comma = findUnquoted(s, `"'`, outsideOfYaml(','));
    const rawValue = comma === -1 ? s : s.slice(0, comma);
    let value: unknown;
    try {
      value = rawValue.trim() === '' ? null : parse(rawValue, { version: '1.1' });
    } catch (err) {
      throw new Error(`invalid value for key '${rawKey}': ${(err as Error).message}`);
    }
    setPath(result, parseRefPath(rawKey), value);
    pairs++;
    if (comma === -1) break;
    s = s.slice(comma + 1);
  }
  if (pairs === 0) {
    throw new Error('instance vars should be formatted as <key1:value1>(,<key2:value2>)');
  }
  return result;
}

export function parsePipelineFlag(value: string): PipelineRef {
  const slash = value.indexOf('/');
  if (slash === -1) return { name: value };
  return { name: value.slice(0, slash), instanceVars: parseInstanceVars(value.slice(slash + 1)) };
}

/** `pipeline[/vars]/job` (also used for `pipeline/resource`). */
export function parseJobFlag(value: string, what = 'job'): JobRef {
  const last = value.lastIndexOf('/');
  const job = last === -1 ? '' : value.slice(last + 1);
  if (job === '') throw new Error(`argument format should be <pipeline>/<${what}>`);
  return { pipeline: parsePipelineFlag(value.slice(0, last)), job };
}

function flatten(prefix: string[], value: unknown, out: Array<[string[], unknown]>): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      flatten([...prefix, key], (value as InstanceVars)[key], out);
    }
    return;
  }
  out.push([prefix, value]);
}

function formatSegment(segment: string): string {
  return /[,.:/ ]/.test(segment) ? `"${segment}"` : segment;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string' && !/[,:"'{}[\]\s]/.test(value) && value !== '') {
    const reparsed = parse(value, { version: '1.1' }) as unknown;
    if (reparsed === value) return value;
  }
  return JSON.stringify(value);
}

/** atc.PipelineRef.String(): `name` or `name/k:v,k2:v2` with sorted, dotted keys. */
export function pipelineRefString(ref: PipelineRef): string {
  if (ref.instanceVars === undefined) return ref.name;
  const leaves: Array<[string[], unknown]> = [];
  flatten([], ref.instanceVars, leaves);
  const parts = leaves
    .map(([path, value]) => [path.map(formatSegment).join('.'), formatValue(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}:${v}`);
  return `${ref.name}/${parts.join(',')}`;
}

/** The instance-vars query parameters fly adds to every pipeline-scoped call. */
export async function instanceVarsQuery(ref: PipelineRef): Promise<Query> {
  if (ref.instanceVars === undefined || Object.keys(ref.instanceVars).length === 0) return [];
  const { instanceVarsToQuery } = await import('@jetbridge/pipeline');
  return [...instanceVarsToQuery(ref.instanceVars).entries()];
}
