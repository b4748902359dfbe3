// Instants with nanoseconds and a UTC offset, IANA zones through Intl, and Go's text formats for
// them (RFC 3339 with trimmed nanoseconds; "2006-01-02 15:04:05.999999999 -0700 MST").

export interface Instant {
  /** nanoseconds since the Unix epoch */
  ns: bigint;
  /** seconds east of UTC that the instant is written with */
  offset: number;
}

export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

export class UnknownZoneError extends Error {
  override name = 'UnknownZoneError';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new UnknownZoneError(`unknown time zone ${zone}`);
    }
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Fails like Go's time.LoadLocation for names the zone database does not know. */
export function checkZone(zone: string): void {
  formatterFor(zone);
}

const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** The zone's UTC offset in seconds at the given instant. */
export function zoneOffset(ns: bigint, zone: string): number {
  if (zone === 'UTC') return 0;
  const ms = Number(floorDiv(ns, 1_000_000n));
  const parts = Object.fromEntries(
    formatterFor(zone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, Number(p.value)]),
  );
  const wallMs = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return Math.round((wallMs - Math.floor(ms / 1000) * 1000) / 1000);
}

export function inZone(ns: bigint, zone: string): Instant {
  return { ns, offset: zoneOffset(ns, zone) };
}

export function wallOf(instant: Instant): Wall {
  const ms = Number(floorDiv(instant.ns, 1_000_000n)) + instant.offset * 1000;
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    weekday: date.getUTCDay(),
  };
}

/** The instant of a wall-clock time in a zone; out-of-range fields roll over like Go's time.Date. */
export function fromWall(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): Instant {
  const wallNs = BigInt(Date.UTC(year, month - 1, day, hour, minute, second)) * 1_000_000n;
  const first = zoneOffset(wallNs, zone);
  const second_ = zoneOffset(wallNs - BigInt(first) * 1_000_000_000n, zone);
  const ns = wallNs - BigInt(second_) * 1_000_000_000n;
  return { ns, offset: zoneOffset(ns, zone) };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function fraction(ns: bigint): string {
  const rest = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  if (rest === 0n) return '';
  return `.${rest.toString().padStart(9, '0').replace(/0+$/, '')}`;
}

function offsetText(offset: number, separator: string): string {
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60;
  return `${sign}${pad(Math.floor(minutes / 60))}${separator}${pad(minutes % 60)}`;
}

function dateTime(instant: Instant, separator: string): string {
  const w = wallOf(instant);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}${separator}${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** Go's time.RFC3339Nano: trailing zero digits dropped, `Z` for a zero offset. */
export function formatRfc3339(instant: Instant): string {
  const zone = instant.offset === 0 ? 'Z' : offsetText(instant.offset, ':');
  return `${dateTime(instant, 'T')}${fraction(instant.ns)}${zone}`;
}

/** Go's Time.String layout "2006-01-02 15:04:05.999999999 -0700 MST" for UTC or fixed offsets. */
export function formatGoTimeString(instant: Instant): string {
  const offset = offsetText(instant.offset, '');
  const name = instant.offset === 0 ? 'UTC' : offset;
  return `${dateTime(instant, ' ')}${fraction(instant.ns)} ${offset} ${name}`;
}

export class TimeSyntaxError extends Error {
  override name = 'TimeSyntaxError';
}

const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 time, keeping the offset it was written with. */
export function parseRfc3339(text: string): Instant {
  const m = rfc3339.exec(text);
  if (!m) {
    throw new TimeSyntaxError(
      `parsing time ${JSON.stringify(text)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(text)} as "2006"`,
    );
  }
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60) : 0;
  const wallMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const nanos = BigInt((frac ?? '').padEnd(9, '0') || '0');
  return { ns: BigInt(wallMs) * 1_000_000n + nanos - BigInt(offset) * 1_000_000_000n, offset };
}
