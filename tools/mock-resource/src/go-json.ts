// JSON exactly as Go's encoding/json writes it: map keys sorted, `<`, `>`, `&`, U+2028 and U+2029
// escaped, lone surrogates replaced. Struct fields keep their declared order, which callers get
// by building objects whose order is already right and passing `sortKeys: false`.

function goString(text: string): string {
  return JSON.stringify(text)
    .replace(
      /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/g,
      '\ufffd',
    )
    .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Marshals like Go's json.Marshal of map[string]interface{} values (object keys sorted). */
export function goJson(value: unknown, sortKeys = true): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => goJson(v, sortKeys)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== undefined,
  );
  if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${goString(k)}:${goJson(v, sortKeys)}`).join(',')}}`;
}
