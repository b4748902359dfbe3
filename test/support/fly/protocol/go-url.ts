// URL building as fly does it: rata joins raw names into the route and Go's url.Parse/String
// normalise the result, so a name is escaped exactly once and valid escapes are kept verbatim.

const HEX = '0123456789ABCDEF';

function isUnreserved(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x5f ||
    c === 0x7e
  );
}

/** Go's shouldEscape(c, encodePath). */
function shouldEscapePath(c: number): boolean {
  if (isUnreserved(c)) return false;
  return !'$&+,/:;=@'.includes(String.fromCharCode(c));
}

function escapeBytes(bytes: Uint8Array, keep: (c: number) => boolean, spacePlus: boolean): string {
  let out = '';
  for (const c of bytes) {
    if (keep(c)) out += String.fromCharCode(c);
    else if (spacePlus && c === 0x20) out += '+';
    else out += `%${HEX[c >> 4]}${HEX[c & 15]}`;
  }
  return out;
}

export class UrlParseError extends Error {}

function unescapePath(raw: string, whole: string): Uint8Array {
  const bytes: number[] = [];
  const input = Buffer.from(raw, 'utf8');
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as number;
    if (c !== 0x25) {
      bytes.push(c);
      continue;
    }
    const hex = input.subarray(i + 1, i + 3).toString('latin1');
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
      const bad = input.subarray(i, i + 3).toString('utf8');
      throw new UrlParseError(`parse "${whole}": invalid URL escape "${bad}"`);
    }
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  return Uint8Array.from(bytes);
}

/** Go's validEncoded(s, encodePath): can the raw form be sent as it is? */
function validEncoded(raw: string): boolean {
  for (const c of Buffer.from(raw, 'utf8')) {
    if ("!$&'()*+,;=:@[]%".includes(String.fromCharCode(c))) continue;
    if (shouldEscapePath(c)) return false;
  }
  return true;
}

/**
 * Builds the escaped request path from route segments, where `:name` segments are replaced by
 * raw values. Throws like Go's url.Parse on a malformed percent escape.
 */
export function buildPath(route: string, params: Record<string, string>): string {
  const joined = route
    .split('/')
    .map((part) => (part.startsWith(':') ? (params[part.slice(1)] ?? '') : part))
    .join('/');
  const raw = joined.split('#')[0]!.split('?')[0]!;
  const decoded = unescapePath(raw, joined);
  return validEncoded(raw) ? raw : escapeBytes(decoded, (c) => !shouldEscapePath(c), false);
}

/** Go's url.QueryEscape. */
export function queryEscape(value: string): string {
  return escapeBytes(Buffer.from(value, 'utf8'), isUnreserved, true);
}

/** Go's url.Values.Encode: keys sorted, values in insertion order. */
export function encodeQuery(query: Array<[string, string]>): string {
  const groups = new Map<string, string[]>();
  for (const [k, v] of query) groups.set(k, [...(groups.get(k) ?? []), v]);
  return [...groups.keys()]
    .sort()
    .flatMap((k) => (groups.get(k) as string[]).map((v) => `${queryEscape(k)}=${queryEscape(v)}`))
    .join('&');
}
