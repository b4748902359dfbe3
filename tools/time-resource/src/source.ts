// The time resource's source, decoded leniently (unknown keys ignored) with the upstream texts
// for values it cannot read.
import { parseGoDuration } from './go-duration.ts';
import { checkZone } from './zoned-time.ts';

export interface TimeOfDay {
  hour: number;
  minute: number;
}

export interface WallDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface Source {
  initialVersion: boolean;
  intervalNs: bigint | null;
  start: TimeOfDay | null;
  stop: TimeOfDay | null;
  days: number[] | null;
  location: string | null;
  startAfter: WallDateTime | null;
}

export class SourceError extends Error {
  override name = 'SourceError';
}

export const weekdayNames = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];

const timeFormats = ['3:04 PM', '3PM', '3 PM', '15:04', '1504'];
const allTimeFormats = [...timeFormats.map((f) => `${f} -0700`), ...timeFormats];
const dateTimeFormats = [
  '2006-01-02T15:04:05',
  '2006-01-02T15:04',
  '2006-01-02T15',
  '2006-01-02',
  '2006-01-02 15:04:05',
];

function asString(value: unknown): string {
  if (typeof value !== 'string') {
    const kind = Array.isArray(value)
      ? 'array'
      : typeof value === 'boolean'
        ? 'bool'
        : typeof value;
    throw new SourceError(`json: cannot unmarshal ${kind} into Go value of type string`);
  }
  return value;
}

// Hour rules of Go's layouts: "3" is 1 or 2 digits up to 12 with AM/PM, "15" 1 or 2 digits up to 23.
const clockPatterns = [
  { pattern: /^(\d\d?):(\d\d) (AM|PM)$/, twelve: true },
  { pattern: /^(\d\d?)(AM|PM)$/, twelve: true },
  { pattern: /^(\d\d?) (AM|PM)$/, twelve: true },
  { pattern: /^(\d\d?):(\d\d)$/, twelve: false },
  { pattern: /^(\d\d)(\d\d)$/, twelve: false },
];

function parseClock(text: string): number | null {
  const zoneMatch = / ([+-])(\d\d)(\d\d)$/.exec(text);
  const clock = zoneMatch ? text.slice(0, -6) : text;
  const offsetMinutes = zoneMatch
    ? (zoneMatch[1] === '-' ? -1 : 1) * (Number(zoneMatch[2]) * 60 + Number(zoneMatch[3]))
    : 0;
  for (const { pattern, twelve } of clockPatterns) {
    const m = pattern.exec(clock);
    if (!m) continue;
    let hour = Number(m[1]);
    const minute = m[2] && /^\d+$/.test(m[2]) ? Number(m[2]) : 0;
    const meridiem = m.find((part) => part === 'AM' || part === 'PM');
    if (minute > 59 || hour > (twelve ? 12 : 23)) return null;
    if (meridiem === 'PM' && hour < 12) hour += 12;
    if (meridiem === 'AM' && hour === 12) hour = 0;
    return (((hour * 60 + minute - offsetMinutes) % 1440) + 1440) % 1440;
  }
  return null;
}

function parseTimeOfDay(value: unknown): TimeOfDay {
  const text = asString(value);
  const minutes = parseClock(text);
  if (minutes === null) {
    throw new SourceError(
      `invalid time format: ${text}, must be one of: ${allTimeFormats.join(', ')}`,
    );
  }
  return { hour: Math.floor(minutes / 60), minute: minutes % 60 };
}

function parseWeekday(value: unknown): number {
  const text = asString(value).toLowerCase();
  const index = weekdayNames.findIndex(
    (name) => name.toLowerCase() === text || name.slice(0, 3).toLowerCase() === text,
  );
  if (index < 0) throw new SourceError(`unknown weekday: ${asString(value)}`);
  return index;
}

function parseStartAfter(value: unknown): WallDateTime {
  const text = asString(value);
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:(?:T(\d{2})(?::(\d{2})(?::(\d{2}))?)?)|(?: (\d{2}):(\d{2}):(\d{2})))?$/.exec(
      text,
    );
  const valid =
    m && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= 31;
  if (!m || !valid) {
    throw new SourceError(
      `invalid date format: ${text}, must be one of: ${dateTimeFormats.join(', ')}`,
    );
  }
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? m[7] ?? 0),
    minute: Number(m[5] ?? m[8] ?? 0),
    second: Number(m[6] ?? m[9] ?? 0),
  };
}

function parseLocation(value: unknown): string {
  const name = asString(value);
  if (name === '' || name === 'UTC') return 'UTC';
  try {
    checkZone(name);
  } catch (err) {
    throw new SourceError((err as Error).message);
  }
  return name;
}

const orNull = <T>(value: unknown, parse: (v: unknown) => T): T | null =>
  value === undefined || value === null ? null : parse(value);

export function decodeSource(raw: unknown): Source {
  const source = (raw ?? {}) as Record<string, unknown>;
  if (typeof source !== 'object' || Array.isArray(source)) {
    throw new SourceError(
      'json: cannot unmarshal source into Go struct field of type models.Source',
    );
  }
  const initial = source.initial_version;
  if (initial !== undefined && initial !== null && typeof initial !== 'boolean') {
    throw new SourceError(
      `json: cannot unmarshal ${typeof initial} into Go struct field Source.source.initial_version of type bool`,
    );
  }
  return {
    initialVersion: initial === true,
    intervalNs: orNull(source.interval, (v) => {
      try {
        return parseGoDuration(asString(v));
      } catch (err) {
        throw new SourceError((err as Error).message);
      }
    }),
    start: orNull(source.start, parseTimeOfDay),
    stop: orNull(source.stop, parseTimeOfDay),
    days: orNull(source.days, (v) => {
      if (!Array.isArray(v))
        throw new SourceError(
          'json: cannot unmarshal value into Go struct field Source.source.days of type []models.Weekday',
        );
      return v.map(parseWeekday);
    }),
    location: orNull(source.location, parseLocation),
    startAfter: orNull(source.start_after, parseStartAfter),
  };
}

export function validateSource(source: Source): void {
  if (source.start && !source.stop)
    throw new SourceError("must configure 'stop' if 'start' is set");
  if (!source.start && source.stop)
    throw new SourceError("must configure 'start' if 'stop' is set");
}
