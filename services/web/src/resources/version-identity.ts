// How a version (and a resource config) is identified: the SHA-256 of its JSON with sorted keys,
// so key order never makes two versions different and an extra key always does.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function versionSha256(version: Record<string, string>): string {
  return createHash('sha256').update(canonicalJson(version)).digest('hex');
}

/** The version history a resource reads: a new type or source starts a new history. */
export function resourceConfigHash(type: string, source: unknown): string {
  return createHash('sha256')
    .update(canonicalJson({ type, source: source ?? {} }))
    .digest('hex');
}
