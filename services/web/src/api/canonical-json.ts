// A stable JSON text for instance vars (keys sorted at every level): the pipelines table's unique key.
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      out[key] = sortKeys((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return value;
}

export function instanceVarsKey(vars: Record<string, unknown> | null): string {
  return vars === null ? '' : JSON.stringify(sortKeys(vars));
}
