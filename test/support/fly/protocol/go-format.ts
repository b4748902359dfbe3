// Go formatting that fly's tables print: time.Duration.String() for whole seconds, the
// `2006-01-02@15:04:05-0700` timestamp layout in local time, and encoding/json of string maps.

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0');
}

/** time.Duration(seconds * time.Second).String(). */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(Math.trunc(seconds));
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

/** A Unix time in the local zone, as Go's `2006-01-02@15:04:05-0700` layout prints it. */
export function goTimestamp(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const offset = -d.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `@${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`
  );
}

/** json.Marshal of a map[string]string: keys sorted, no spaces. */
export function goJsonMap(map: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(map).sort()) sorted[key] = map[key] as string;
  return JSON.stringify(sorted);
}

/** atc.Version's flag form `k:v,k2:v2`. */
export function parseVersionFlag(value: string): Record<string, string> {
  const version: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const colon = pair.indexOf(':');
    if (colon === -1) throw new Error(`invalid version pair '${pair}' (must be key:value)`);
    version[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return version;
}
