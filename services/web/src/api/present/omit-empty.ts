// Go's omitempty: drop undefined, null, '', 0, false and empty arrays/objects from optional fields.
export function omitEmpty<T extends object>(required: T, optional: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(required as Record<string, unknown>) };
  for (const [key, value] of Object.entries(optional)) {
    if (value === undefined || value === null || value === '' || value === 0 || value === false) {
      continue;
    }
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) {
      continue;
    }
    out[key] = value;
  }
  return out as T;
}
