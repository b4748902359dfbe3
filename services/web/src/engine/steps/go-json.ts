// JSON as Go's encoding/json writes maps: keys sorted, no whitespace. Resource requests are sent
// this way because some resources compare or hash them.

function sortValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      out[key] = sortValue((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return value;
}

/** Top-level keys keep the given order (the request struct's field order); maps inside are sorted. */
export function goRequestJson(fields: Array<[string, unknown]>): string {
  const parts = fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(sortValue(v) ?? null)}`);
  return `{${parts.join(',')}}`;
}
