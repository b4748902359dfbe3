// fly's "no changes to apply": configs compared section by section, entries matched by name.
import { isDeepStrictEqual } from 'node:util';
import type { PipelineConfig } from './types.ts';

type Named = { name?: string };

function byName(items: Named[] | null | undefined): Map<string, Named> {
  return new Map((items ?? []).map((item) => [item.name ?? '', item]));
}

function sameNamed(a: Named[] | null | undefined, b: Named[] | null | undefined): boolean {
  const left = byName(a);
  const right = byName(b);
  if (left.size !== right.size) return false;
  for (const [name, item] of left) {
    if (!right.has(name) || !isDeepStrictEqual(stripEmpty(item), stripEmpty(right.get(name)))) {
      return false;
    }
  }
  return true;
}

/** Go's omitempty makes absent, null, empty lists and empty maps the same thing. */
function stripEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripEmpty);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = stripEmpty(v);
  }
  return out;
}

export function configsEqual(a: PipelineConfig, b: PipelineConfig): boolean {
  return (
    sameNamed(a.groups, b.groups) &&
    sameNamed(a.resources, b.resources) &&
    sameNamed(a.resource_types, b.resource_types) &&
    sameNamed(a.prototypes, b.prototypes) &&
    sameNamed(a.var_sources, b.var_sources) &&
    sameNamed(a.jobs, b.jobs) &&
    isDeepStrictEqual(stripEmpty(a.display ?? null), stripEmpty(b.display ?? null)) &&
    isDeepStrictEqual(a.user_data ?? null, b.user_data ?? null)
  );
}
