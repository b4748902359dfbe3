// Checks a deployment's argument list and environment against the `jetbridge` binary's own
// parser: the same commander program the image runs, with every action replaced by a no-op so
// that parsing starts nothing.
import { Command, CommanderError, type Option } from 'commander';
import { buildProgram, parseDuration, reaperSettings } from '@jetbridge/cli';

export class ArgvRejectedError extends Error {
  readonly argv: string[];

  constructor(argv: string[], reason: string) {
    super(`jetbridge ${argv.join(' ')}: ${reason}`);
    this.name = 'ArgvRejectedError';
    this.argv = argv;
  }
}

export interface ParsedService {
  subcommand: string;
  options: Record<string, unknown>;
}

function silence(cmd: Command): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  cmd.action(() => {});
  for (const sub of cmd.commands) silence(sub);
}

/** The commander program of the binary, safe to parse with. */
export function inertProgram(): Command {
  const program = buildProgram();
  silence(program);
  return program;
}

export function subcommand(program: Command, name: string): Command | undefined {
  return program.commands.find((c) => c.name() === name);
}

export function longFlags(cmd: Command): Set<string> {
  return new Set(cmd.options.map((o: Option) => o.long).filter((l): l is string => !!l));
}

export function envNames(cmd: Command): Set<string> {
  return new Set(cmd.options.map((o: Option) => o.envVar).filter((e): e is string => !!e));
}

// The services turn values into durations and whole numbers when they start; a value they would
// refuse then is refused here. The kind of value is the placeholder the flag is declared with.
const durationPlaceholders = new Set(['duration']);
const integerPlaceholders = new Set(['n', 'port', 'bytes']);

// Subcommands whose settings the binary builds from the flags alone, refusing combinations (the
// reaper's worker TTL against its heartbeat interval) that no single value shows.
const settingsOf: Record<string, (flags: Record<string, unknown>) => unknown> = {
  reaper: reaperSettings,
};

function placeholder(opt: Option): string | undefined {
  return /<(\w+)>/.exec(opt.flags)?.[1];
}

function checkValues(cmd: Command, options: Record<string, unknown>, argv: string[]): void {
  for (const opt of cmd.options) {
    const kind = placeholder(opt);
    const value = options[opt.attributeName()];
    if (!opt.long || !kind || typeof value !== 'string') continue;
    if (durationPlaceholders.has(kind)) {
      try {
        parseDuration(value);
      } catch (err) {
        throw new ArgvRejectedError(argv, `${opt.long}: ${(err as Error).message}`);
      }
    }
    if (integerPlaceholders.has(kind) && !/^\d+$/.test(value)) {
      throw new ArgvRejectedError(argv, `${opt.long}: "${value}" is not a whole number`);
    }
  }
  const settings = settingsOf[cmd.name()];
  try {
    settings?.(options);
  } catch (err) {
    throw new ArgvRejectedError(argv, (err as Error).message);
  }
}

/**
 * Parses `jetbridge <argv>` as the container would run it, with `env` as its whole CONCOURSE_*
 * environment. Throws ArgvRejectedError for an unknown subcommand or flag, a missing required
 * flag, a CONCOURSE_* variable the subcommand has no flag for, or a value the service refuses.
 */
export function parseServiceArgv(argv: string[], env: Record<string, string> = {}): ParsedService {
  const program = inertProgram();
  const name = argv[0];
  const cmd = name === undefined ? undefined : subcommand(program, name);
  if (!cmd || name === undefined) throw new ArgvRejectedError(argv, 'not a jetbridge subcommand');

  const known = envNames(cmd);
  for (const key of Object.keys(env)) {
    if (key.startsWith('CONCOURSE_') && !known.has(key)) {
      throw new ArgvRejectedError(argv, `${key} names no flag of \`jetbridge ${name}\``);
    }
  }

  const saved = Object.entries(process.env).filter(([key]) => key.startsWith('CONCOURSE_'));
  for (const [key] of saved) delete process.env[key];
  const given = Object.entries(env).filter(([key]) => key.startsWith('CONCOURSE_'));
  for (const [key, value] of given) process.env[key] = value;
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) throw new ArgvRejectedError(argv, err.message);
    throw err;
  } finally {
    for (const [key] of given) delete process.env[key];
    for (const [key, value] of saved) process.env[key] = value;
  }

  const options = cmd.opts();
  checkValues(cmd, options, argv);
  return { subcommand: name, options };
}
