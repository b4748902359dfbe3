// The three scripts of the time resource around the check logic: request decoding, files and output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkVersions } from './check.ts';
import { currentTimeNs } from './clock.ts';
import { formatGoDuration } from './go-duration.ts';
import { decodeSource, validateSource, weekdayNames, type Source } from './source.ts';
import {
  formatGoTimeString,
  formatRfc3339,
  inZone,
  parseRfc3339,
  type Instant,
} from './zoned-time.ts';

export class CommandError extends Error {
  override name = 'CommandError';
  readonly prefix: 'parse error' | 'running command';
  constructor(prefix: 'parse error' | 'running command', message: string) {
    super(message);
    this.prefix = prefix;
  }
}

interface Request {
  source: Source;
  rawSource: Record<string, unknown>;
  version: Instant | null;
}

function parseRequest(text: string): Request {
  try {
    const raw = JSON.parse(text) as { source?: unknown; version?: { time?: unknown } | null };
    const rawTime = raw.version?.time;
    const version = typeof rawTime === 'string' ? parseRfc3339(rawTime) : null;
    return {
      source: decodeSource(raw.source),
      rawSource: (raw.source ?? {}) as Record<string, unknown>,
      version,
    };
  } catch (err) {
    const message =
      err instanceof SyntaxError ? 'unexpected end of JSON input' : (err as Error).message;
    throw new CommandError('parse error', text.trim() === '' ? 'EOF' : message);
  }
}

const versionJson = (instant: Instant) => `{"time":${JSON.stringify(formatRfc3339(instant))}}`;

export function runCheck(stdin: string, nowNs = currentTimeNs()): string {
  const request = parseRequest(stdin);
  try {
    validateSource(request.source);
  } catch (err) {
    throw new CommandError('running command', (err as Error).message);
  }
  const versions = checkVersions(request.source, request.version, nowNs);
  return `[${versions.map(versionJson).join(',')}]\n`;
}

function sourceJson(source: Source, raw: Record<string, unknown>): string {
  const str = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
  const tod = (t: Source['start']) => (t ? `${t.hour}:${String(t.minute).padStart(2, '0')}` : null);
  const a = source.startAfter;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const startAfter = a
    ? `${pad(a.year, 4)}-${pad(a.month)}-${pad(a.day)}T${pad(a.hour)}:${pad(a.minute)}:${pad(a.second)}`
    : null;
  const days = source.days
    ? `[${source.days.map((d) => JSON.stringify(weekdayNames[d])).join(',')}]`
    : 'null';
  const location = raw.location === undefined || raw.location === null ? null : source.location;
  return (
    `{"initial_version":${source.initialVersion},` +
    `"interval":${str(source.intervalNs === null ? null : formatGoDuration(source.intervalNs))},` +
    `"start":${str(tod(source.start))},"stop":${str(tod(source.stop))},"days":${days},` +
    `"location":${str(location)},"start_after":${str(startAfter)}}`
  );
}

export function runIn(stdin: string, dest: string, nowNs = currentTimeNs()): string {
  const request = parseRequest(stdin);
  const version =
    request.version && request.version.ns !== -62135596800000000000n
      ? request.version
      : inZone(nowNs, 'UTC');
  try {
    mkdirSync(dest, { recursive: true });
    writeFileSync(
      join(dest, 'input'),
      `{"source":${sourceJson(request.source, request.rawSource)},"version":${versionJson(version)}}\n`,
    );
    writeFileSync(join(dest, 'timestamp'), formatGoTimeString(version));
    const seconds =
      version.ns >= 0n
        ? version.ns / 1_000_000_000n
        : -((-version.ns + 999_999_999n) / 1_000_000_000n);
    writeFileSync(join(dest, 'epoch'), seconds.toString());
  } catch (err) {
    throw new CommandError('running command', (err as Error).message);
  }
  return `{"version":${versionJson(version)},"metadata":null}\n`;
}

export function runOut(stdin: string, nowNs = currentTimeNs()): string {
  const request = parseRequest(stdin);
  return `{"version":${versionJson(inZone(nowNs, request.source.location ?? 'UTC'))},"metadata":null}\n`;
}
