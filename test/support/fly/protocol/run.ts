// Runs one fly command line in-process and turns errors into fly's messages and exit codes.
import type { FlyIO } from './io.ts';
import { Flags, FlagError, parseFlags } from './flags.ts';
import type { FlagSpec } from './flags.ts';
import { loadCommand } from './commands/index.ts';
import { FlyExit, NetworkError, NoTargetSpecifiedError, UnauthorizedError } from './errors.ts';
import { GoPanic } from './events/parse.ts';

const GLOBAL_FLAGS: FlagSpec[] = [
  { long: 'target', short: 't', kind: 'string' },
  { long: 'verbose', short: 'v', kind: 'bool' },
  { long: 'print-table-headers', kind: 'bool' },
];

/** Splits `fly [global flags] <command> [args]` at the command name. */
function splitCommand(args: string[]): {
  global: string[];
  name: string | undefined;
  rest: string[];
} {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-t' || arg === '--target') {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return { global: args.slice(0, i), name: arg, rest: args.slice(i + 1) };
  }
  return { global: args, name: undefined, rest: [] };
}

function reportError(io: FlyIO, err: unknown, targetName: string | undefined): number {
  if (err instanceof FlyExit) return err.code;
  if (err instanceof GoPanic) {
    io.eprintln(`panic: ${err.message}`);
    return 2;
  }
  if (err instanceof UnauthorizedError) {
    io.eprintln('not authorized. run the following to log in:');
    io.eprintln('');
    io.eprintln(`    fly -t ${targetName ?? ''} login`);
    io.eprintln('');
  } else if (err instanceof NoTargetSpecifiedError) {
    io.eprintln('no target specified. specify the target with -t or log in like so:');
    io.eprintln('');
    io.eprintln('    fly -t (alias) login -c (concourse url)');
    io.eprintln('');
  } else if (err instanceof NetworkError) {
    io.eprintln(`could not reach the Concourse server called ${targetName ?? ''}:`);
    io.eprintln('');
    io.eprintln(`    ${err.message}`);
    io.eprintln('');
    io.eprintln('is the targeted Concourse running? better go catch it lol');
  } else {
    io.eprintln(`error: ${(err as Error).message}`);
  }
  return 1;
}

export async function runProtocolFly(args: string[], io: FlyIO): Promise<number> {
  const { global, name, rest } = splitCommand(args);
  let targetName: string | undefined;
  try {
    const globals = new Flags(parseFlags(global, GLOBAL_FLAGS));
    targetName = globals.str('target');
    if (name === undefined) throw new FlagError('Please specify one command');
    const command = await loadCommand(name);
    if (command === undefined) throw new FlagError(`Unknown command \`${name}'`);

    const parsed = new Flags(parseFlags(rest, [...GLOBAL_FLAGS, ...command.flags]));
    targetName = parsed.str('target') ?? targetName;
    await command.run({
      io,
      targetName,
      flags: parsed,
      positional: parsed.parsed.positional,
      passthrough: parsed.parsed.passthrough,
      printTableHeaders: globals.bool('print-table-headers') || parsed.bool('print-table-headers'),
    });
    return 0;
  } catch (err) {
    const reason: unknown = io.abort.signal.reason;
    if (io.abort.signal.aborted && reason instanceof FlyExit) return reason.code;
    return reportError(io, err, targetName);
  }
}
