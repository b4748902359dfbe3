// Command-line parsing with go-flags' rules: short and long options, `--long=value`, clustered
// short booleans, repeatable options, `--` ends options. Error texts are go-flags' own.

export type FlagKind = 'string' | 'bool' | 'list';

export interface FlagSpec {
  long: string;
  short?: string;
  kind: FlagKind;
  required?: boolean;
}

export interface ParsedFlags {
  values: Map<string, string | boolean | string[]>;
  positional: string[];
  /** Arguments after `--`, kept apart because some commands pass them through. */
  passthrough: string[];
}

export class FlagError extends Error {}

function describe(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.long}` : `--${spec.long}`;
}

function assign(values: ParsedFlags['values'], spec: FlagSpec, value: string | true): void {
  if (spec.kind === 'list') {
    const list = (values.get(spec.long) as string[] | undefined) ?? [];
    list.push(String(value));
    values.set(spec.long, list);
  } else {
    values.set(spec.long, value);
  }
}

export function parseFlags(args: string[], specs: FlagSpec[]): ParsedFlags {
  const values: ParsedFlags['values'] = new Map();
  const positional: string[] = [];
  let passthrough: string[] = [];
  const byLong = new Map(specs.map((s) => [s.long, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const takeValue = (spec: FlagSpec, inline: string | undefined): string => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined)
        throw new FlagError(`expected argument for flag \`${describe(spec)}'`);
      i++;
      return next;
    };

    if (arg === '--') {
      passthrough = args.slice(i + 1);
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spec = byLong.get(name);
      if (spec === undefined) throw new FlagError(`unknown flag \`${name}'`);
      const inline = eq === -1 ? undefined : arg.slice(eq + 1);
      assign(values, spec, spec.kind === 'bool' ? true : takeValue(spec, inline));
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const name = arg[j] as string;
        const spec = byShort.get(name);
        if (spec === undefined) throw new FlagError(`unknown flag \`${name}'`);
        if (spec.kind === 'bool') {
          assign(values, spec, true);
          continue;
        }
        const rest = arg.slice(j + 1);
        assign(values, spec, takeValue(spec, rest === '' ? undefined : rest.replace(/^=/, '')));
        break;
      }
      continue;
    }
    positional.push(arg);
  }

  for (const spec of specs) {
    if (spec.required && !values.has(spec.long)) {
      throw new FlagError(`the required flag \`${describe(spec)}' was not specified`);
    }
  }
  return { values, positional, passthrough };
}

/** Typed accessors over parsed values. */
export class Flags {
  readonly parsed: ParsedFlags;
  constructor(parsed: ParsedFlags) {
    this.parsed = parsed;
  }

  str(long: string): string | undefined {
    const v = this.parsed.values.get(long);
    return typeof v === 'string' ? v : undefined;
  }

  bool(long: string): boolean {
    return this.parsed.values.get(long) === true;
  }

  list(long: string): string[] {
    const v = this.parsed.values.get(long);
    return Array.isArray(v) ? v : [];
  }
}
