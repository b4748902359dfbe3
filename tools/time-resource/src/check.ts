// Which versions a check of the time resource emits: the previous version, and "now" when now is
// inside the configured window and enough time has passed.
import type { Source } from './source.ts';
import { fromWall, inZone, wallOf, type Instant } from './zoned-time.ts';

interface Window {
  start: Instant;
  stop: Instant;
}

/** The most recent window whose start is not after now. */
export function currentWindow(source: Source, now: Instant): Window {
  const zone = source.location ?? 'UTC';
  const today = wallOf(now);
  if (!source.start || !source.stop) {
    const start = fromWall(zone, today.year, today.month, today.day);
    return { start, stop: fromWall(zone, today.year, today.month, today.day + 1) };
  }
  let start = fromWall(
    zone,
    today.year,
    today.month,
    today.day,
    source.start.hour,
    source.start.minute,
  );
  if (start.ns > now.ns) {
    start = fromWall(
      zone,
      today.year,
      today.month,
      today.day - 1,
      source.start.hour,
      source.start.minute,
    );
  }
  const startDay = wallOf(start);
  let stop = fromWall(
    zone,
    startDay.year,
    startDay.month,
    startDay.day,
    source.stop.hour,
    source.stop.minute,
  );
  if (stop.ns <= start.ns) {
    stop = fromWall(
      zone,
      startDay.year,
      startDay.month,
      startDay.day + 1,
      source.stop.hour,
      source.stop.minute,
    );
  }
  return { start, stop };
}

function isInsideSchedule(source: Source, now: Instant, window: Window): boolean {
  if (source.days && !source.days.includes(wallOf(now).weekday)) return false;
  if (source.startAfter) {
    const a = source.startAfter;
    const startAfter = fromWall(
      source.location ?? 'UTC',
      a.year,
      a.month,
      a.day,
      a.hour,
      a.minute,
      a.second,
    );
    if (!(startAfter.ns < now.ns)) return false;
  }
  return now.ns < window.stop.ns;
}

/** The versions to emit, oldest first; `nowNs` is the current time. */
export function checkVersions(source: Source, previous: Instant | null, nowNs: bigint): Instant[] {
  const now = inZone(nowNs, source.location ?? 'UTC');
  if (!previous && source.initialVersion) return [now];

  const versions = previous ? [previous] : [];
  const window = currentWindow(source, now);
  if (!isInsideSchedule(source, now, window)) return versions;

  let isDue: boolean;
  if (!previous) isDue = true;
  else if (source.intervalNs !== null) isDue = now.ns - previous.ns >= source.intervalNs;
  else isDue = previous.ns < window.start.ns;
  return isDue ? [...versions, now] : versions;
}
