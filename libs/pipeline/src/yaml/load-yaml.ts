// Reads YAML the way go-yaml v2 does (YAML 1.1), with limits that keep hostile input cheap.
import { parseAllDocuments, type Document } from 'yaml';

export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
export const MAX_NESTING_DEPTH = 256;
const MAX_ALIAS_COUNT = 1000;

/** go-yaml v2 keeps timestamps and sexagesimal numbers as strings; drop those 1.1 tags. */
const GO_YAML_UNSUPPORTED_FORMATS = new Set(['TIME']);

function isGoYamlTag(tag: { tag: string; format?: string }): boolean {
  if (tag.tag === 'tag:yaml.org,2002:timestamp') return false;
  return !(tag.format && GO_YAML_UNSUPPORTED_FORMATS.has(tag.format));
}

export interface LoadYamlError {
  detail: string;
}

function decodeUtf8(bytes: Uint8Array): string | LoadYamlError {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { detail: 'yaml: invalid UTF-8 in document' };
  }
}

/** Flow collections ([ { ) and block indentation both nest; count the flow ones cheaply up front. */
function flowDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (text[i] === quote) quote = '';
      continue;
    }
    if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth = Math.max(0, depth - 1);
    } else if ((c === 0x22 || c === 0x27) && depth > 0) {
      quote = text[i]!;
    }
  }
  return false;
}

function depthOf(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > limit) return true;
    if (v !== null && typeof v === 'object') {
      for (const child of Object.values(v)) stack.push([child, d + 1]);
    }
  }
  return false;
}

/**
 * Parses the first YAML document of `input` into plain JSON-compatible values.
 * Returns `{ detail }` instead of throwing so callers pick their own error type.
 */
export function loadYaml(input: string | Uint8Array): { value: unknown } | LoadYamlError {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > MAX_DOCUMENT_BYTES) {
    return { detail: `document is ${size} bytes, larger than the limit of ${MAX_DOCUMENT_BYTES}` };
  }

  const text = typeof input === 'string' ? input : decodeUtf8(input);
  if (typeof text !== 'string') return text;
  if (!text.isWellFormed()) {
    return { detail: 'yaml: invalid UTF-8 in document' };
  }
  if (flowDepthExceeds(text, MAX_NESTING_DEPTH)) {
    return { detail: `yaml: document nests deeper than ${MAX_NESTING_DEPTH} levels` };
  }

  let doc: Document.Parsed | undefined;
  try {
    const docs = parseAllDocuments(text, {
      version: '1.1',
      uniqueKeys: true,
      merge: true,
      prettyErrors: false,
      customTags: (tags) => tags.filter((t) => typeof t !== 'object' || isGoYamlTag(t)),
    });
    if (!Array.isArray(docs)) return { value: null };
    doc = docs[0];
  } catch (err) {
    return { detail: describeFailure(err) };
  }
  if (!doc) return { value: null };

  const firstError = doc.errors[0];
  if (firstError) return { detail: describeFailure(firstError) };

  try {
    const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    if (depthOf(value, MAX_NESTING_DEPTH)) {
      return { detail: `yaml: document nests deeper than ${MAX_NESTING_DEPTH} levels` };
    }
    return { value: normalize(value) };
  } catch (err) {
    return { detail: describeFailure(err) };
  }
}

function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof RangeError || /call stack/i.test(message)) {
    return 'yaml: document nests too deeply';
  }
  if (/alias/i.test(message)) return 'yaml: document has too many aliases';
  return `yaml: ${message.split('\n')[0]}`;
}

/** Turns non-JSON leaves (Uint8Array from !!binary, Set, NaN) into what go-yaml + JSON would give. */
function normalize(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    if (typeof value === 'bigint') return Number(value);
    return value;
  }
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Set) return Object.fromEntries([...value].map((k) => [String(k), null]));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = normalize(v);
  return out;
}
