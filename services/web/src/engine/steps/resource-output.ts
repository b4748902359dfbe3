// Reading what a resource script printed: only the first JSON value of stdout counts (Go's
// json.Decoder), versions are string maps and metadata name/value pairs.
import { StepError } from '../plan/outcome.ts';

export type ResourceVersion = Record<string, string>;
export type ResourceMetadata = Array<{ name: string; value: string }>;

/** The first JSON value in `text`; undefined when the text is empty. */
export function firstJsonValue(text: string): unknown {
  const start = text.search(/\S/);
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  let end = -1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) end = i + 1;
      }
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) end = i + 1;
    } else if (depth === 0 && /[\s,]/.test(c!)) end = i;
    if (end >= 0) break;
  }
  const candidate = text.slice(start, end < 0 ? undefined : end);
  try {
    return JSON.parse(candidate);
  } catch (err) {
    throw new StepError(`malformed resource output: ${(err as Error).message}`);
  }
}

export function toVersion(value: unknown, script: string): ResourceVersion {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StepError(`resource script (${script}) output a null version`);
  }
  const version: ResourceVersion = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) version[k] = '';
    else if (typeof v === 'string') version[k] = v;
    else throw new StepError(`malformed resource output: version field ${k} is not a string`);
  }
  return version;
}

export function toMetadata(value: unknown): ResourceMetadata {
  if (!Array.isArray(value)) return [];
  return value
    .filter((m): m is Record<string, unknown> => m !== null && typeof m === 'object')
    .map((m) => ({ name: String(m.name ?? ''), value: String(m.value ?? '') }));
}

/** get/put: `{"version":{...},"metadata":[...]}`. */
export function parseVersionResult(
  stdout: string,
  script: string,
): { version: ResourceVersion; metadata: ResourceMetadata } {
  const value = firstJsonValue(stdout);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StepError(`resource script (${script}) output a null version`);
  }
  const record = value as Record<string, unknown>;
  return { version: toVersion(record.version, script), metadata: toMetadata(record.metadata) };
}

/** check: an array of versions; empty output and null mean none. */
export function parseCheckResult(stdout: string): ResourceVersion[] {
  const value = firstJsonValue(stdout);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new StepError('malformed check output: expected an array of versions');
  return value.map((v) => toVersion(v, '/opt/resource/check'));
}
