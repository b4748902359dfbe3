// Go's time.Duration text format: both resources read durations from pipeline YAML exactly as
// Go's time.ParseDuration does and print them as Duration.String does.

const nanosecondsPerUnit: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const maxDuration = (1n << 63n) - 1n;

export class DurationSyntaxError extends Error {
  override name = 'DurationSyntaxError';
}

function quoted(text: string): string {
  return JSON.stringify(text);
}

/** Parses a Go duration string ("90s", "1h30m", "-1.5h") into nanoseconds. */
export function parseGoDuration(text: string): bigint {
  const invalid = () => new DurationSyntaxError(`time: invalid duration ${quoted(text)}`);
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') throw invalid();

  let total = 0n;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest);
    const whole = number?.[1] ?? '';
    const fraction = number?.[2] ?? '';
    if (!number || (whole === '' && fraction === '')) throw invalid();
    rest = rest.slice(number[0].length);

    const unitMatch = /^[^\d.]*/.exec(rest);
    const unit = unitMatch?.[0] ?? '';
    if (unit === '')
      throw new DurationSyntaxError(`time: missing unit in duration ${quoted(text)}`);
    const scale = nanosecondsPerUnit[unit];
    if (scale === undefined) {
      throw new DurationSyntaxError(
        `time: unknown unit ${quoted(unit)} in duration ${quoted(text)}`,
      );
    }
    rest = rest.slice(unit.length);

    let value = BigInt(whole === '' ? '0' : whole) * scale;
    if (fraction !== '') {
      value += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
    }
    total += value;
    if (total > maxDuration) throw invalid();
  }
  return negative ? -total : total;
}

function withFraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const remainder = value % unit;
  if (remainder === 0n) return whole.toString();
  const digits = unit.toString().length - 1;
  const fraction = remainder.toString().padStart(digits, '0').replace(/0+$/, '');
  return `${whole}.${fraction}`;
}

/** Formats nanoseconds the way Go's Duration.String does ("5m0s", "1h30m0s", "1.5s"). */
export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const sign = nanoseconds < 0n ? '-' : '';
  const d = nanoseconds < 0n ? -nanoseconds : nanoseconds;

  if (d < 1_000_000_000n) {
    if (d < 1_000n) return `${sign}${d}ns`;
    if (d < 1_000_000n) return `${sign}${withFraction(d, 1_000n)}µs`;
    return `${sign}${withFraction(d, 1_000_000n)}ms`;
  }

  const hours = d / 3_600_000_000_000n;
  const minutes = (d / 60_000_000_000n) % 60n;
  const seconds = withFraction(d % 60_000_000_000n, 1_000_000_000n);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}
