// Reads YAML the way go-yaml v2 does (YAML 1.1), with limits that keep hostile input cheap.
import { constructFromEvents, EVENT_ID, YAMLException } from 'js-yaml';
import { parseFirstDocument } from './first-document.ts';
import { GO_YAML_SCHEMA } from './go-yaml-schema.ts';
import { checkExpansion, toPlainTree, TreeLimitError } from './plain-tree.ts';

export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
export const MAX_NESTING_DEPTH = 256;
/**
 * Size of the loaded tree once aliases are expanded (nodes plus string lengths, about its JSON
 * length): what stops a billion laughs or a long string aliased many times. A document without
 * aliases is at most about twice its length.
 */
export const MAX_EXPANDED_SIZE = 4 * MAX_DOCUMENT_BYTES;
/** Merging copies keys one by one; this bounds that work. */
const MAX_MERGED_KEYS = 1_000_000;

const LIMITS = { maxSize: MAX_EXPANDED_SIZE, maxDepth: MAX_NESTING_DEPTH };

export interface LoadYamlError {
  detail: string;
}

const NESTS_TOO_DEEPLY = `yaml: document nests deeper than ${MAX_NESTING_DEPTH} levels`;
const TOO_BIG_EXPANDED = 'yaml: document is too large once its aliases are expanded';

function decodeUtf8(bytes: Uint8Array): string | LoadYamlError {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { detail: 'yaml: invalid UTF-8 in document' };
  }
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

  try {
    const events = parseFirstDocument(text, MAX_NESTING_DEPTH);
    const [first = null] = constructFromEvents(events, {
      source: text,
      schema: GO_YAML_SCHEMA,
      maxTotalMergeKeys: MAX_MERGED_KEYS,
    });
    // Without aliases no object is shared and the parser's depth limit holds.
    if (events.some((event) => event.type === EVENT_ID.ALIAS)) checkExpansion(first, LIMITS);
    return { value: toPlainTree(first) };
  } catch (err) {
    return { detail: describeFailure(err) };
  }
}

function describeFailure(err: unknown): string {
  if (err instanceof TreeLimitError) {
    return err.limit === 'maxDepth' ? NESTS_TOO_DEEPLY : TOO_BIG_EXPANDED;
  }
  if (err instanceof YAMLException) {
    if (err.reason.startsWith('nesting exceeded')) return NESTS_TOO_DEEPLY;
    if (err.reason.startsWith('merge keys exceeded')) return 'yaml: document merges too many keys';
    const reason =
      err.reason === 'duplicated mapping key' ? 'mapping keys must be unique' : err.reason;
    return err.mark ? `yaml: line ${err.mark.line + 1}: ${reason}` : `yaml: ${reason}`;
  }
  if (err instanceof RangeError) return 'yaml: document nests too deeply';
  const message = err instanceof Error ? err.message : String(err);
  return `yaml: ${message.split('\n')[0]}`;
}
