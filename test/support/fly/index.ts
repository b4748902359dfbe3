// Runs `fly` for integration tests: the real binary when this machine has one, otherwise the
// in-process protocol client, which speaks, prints and exits exactly like fly.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { homedir } from 'node:os';
import { FlyIO } from './protocol/io.ts';
import { FlyExit } from './protocol/errors.ts';
import { runProtocolFly } from './protocol/run.ts';

export interface FlyResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface FlyOptions {
  home: string;
  env?: Record<string, string>;
  stdin?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface FlyProcess {
  output(): string;
  waitForOutput(re: RegExp, timeoutMs: number): Promise<void>;
  result: Promise<FlyResult>;
  interrupt(): void;
}

const DEFAULT_TIMEOUT_MS = 60_000;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let realBinary: string | null | undefined;

function findRealFly(): string | null {
  if (realBinary !== undefined) return realBinary;
  const candidates = [
    process.env.FLY_BIN,
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, 'fly')),
    join(homedir(), 'go', 'bin', 'fly'),
  ];
  realBinary = candidates.find((c): c is string => !!c && isExecutable(c)) ?? null;
  return realBinary;
}

export function flyImplementation(): 'real' | 'protocol' {
  return findRealFly() === null ? 'protocol' : 'real';
}

function spawnReal(binary: string, args: string[], opts: FlyOptions): FlyProcess & { io: FlyIO } {
  const io = new FlyIO(opts.home, {}, opts.stdin);
  const child = spawn(binary, args, {
    env: { ...process.env, ...opts.env, HOME: opts.home },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => io.print(d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => io.eprint(d.toString('utf8')));
  child.stdin.on('error', () => {});
  child.stdin.end(opts.stdin ?? '');
  const result = new Promise<FlyResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ exitCode: code ?? (signal ? 128 + 2 : 1), stdout: io.stdout, stderr: io.stderr });
    });
  });
  io.abort.signal.addEventListener('abort', () => child.kill('SIGKILL'), { once: true });
  return {
    io,
    result,
    output: () => '',
    waitForOutput: async () => {},
    interrupt: () => child.kill('SIGINT'),
  };
}

function spawnProtocol(args: string[], opts: FlyOptions): FlyProcess & { io: FlyIO } {
  const io = new FlyIO(opts.home, { ...process.env, ...opts.env }, opts.stdin);
  const result = runProtocolFly(args, io).then((exitCode) => ({
    exitCode,
    stdout: io.stdout,
    stderr: io.stderr,
  }));
  const interrupt = () => {
    if (!io.interrupt()) io.abort.abort(new FlyExit(130));
  };
  return { io, result, output: () => '', waitForOutput: async () => {}, interrupt };
}

/** Starts fly and lets the caller watch its output while it runs. */
export function spawnFly(args: string[], opts: FlyOptions): FlyProcess {
  const binary = findRealFly();
  const proc = binary === null ? spawnProtocol(args, opts) : spawnReal(binary, args, opts);
  const { io } = proc;
  let combined = '';
  let seenOut = 0;
  let seenErr = 0;
  io.onOutput(() => {
    combined += io.stdout.slice(seenOut) + io.stderr.slice(seenErr);
    seenOut = io.stdout.length;
    seenErr = io.stderr.length;
  });

  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(
    () => io.abort.abort(new Error(`fly ${args.join(' ')} timed out after ${timeoutMs} ms`)),
    timeoutMs,
  );
  const onAbort = () => io.abort.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const result = proc.result
    .finally(() => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    })
    .then((r) => {
      const reason: unknown = io.abort.signal.reason;
      if (io.abort.signal.aborted && reason instanceof Error && !(reason instanceof FlyExit))
        throw reason;
      return r;
    });

  const waitForOutput = (re: RegExp, waitMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (re.test(combined)) return resolve();
      const timer = setTimeout(() => {
        stop();
        reject(
          new Error(`output did not match ${re} within ${waitMs} ms; output so far:\n${combined}`),
        );
      }, waitMs);
      const stop = io.onOutput(() => {
        if (re.test(combined)) {
          clearTimeout(timer);
          stop();
          resolve();
        }
      });
      void result.then(
        () => {
          if (re.test(combined)) return;
          clearTimeout(timer);
          stop();
          reject(new Error(`fly exited before output matched ${re}; output:\n${combined}`));
        },
        () => {},
      );
    });

  return { output: () => combined, waitForOutput, result, interrupt: proc.interrupt };
}

/** Runs `fly <args>` to completion. */
export function fly(args: string[], opts: FlyOptions): Promise<FlyResult> {
  return spawnFly(args, opts).result;
}
