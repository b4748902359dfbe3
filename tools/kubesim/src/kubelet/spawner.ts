// Starts sandbox processes through the spawn helper (spawn-helper.ts), so that kubesim's event loop
// never blocks in fork however much memory kubesim holds. A started process looks like a
// ChildProcess to the rest of kubesim: pid (the leader of its own process group), the stdio
// streams, exitCode/signalCode, and the 'exit' and 'close' events.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import { killGroup } from './process-group.ts';
import type { HelperReply, SpawnRequest } from './spawn-protocol.ts';

const helperPath = join(import.meta.dirname, 'spawn-helper.ts');
// How long the helper may take to start listening.
const helperStartMs = 30_000;

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export class SandboxProcess extends EventEmitter {
  readonly pid: number;
  readonly stdin: Socket | null;
  readonly stdout: Socket | null;
  readonly stderr: Socket | null;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  #hasExited = false;
  #openOutputs = 0;

  constructor(pid: number, streams: (Socket | null)[]) {
    super();
    this.pid = pid;
    [this.stdin = null, this.stdout = null, this.stderr = null] = streams;
    for (const stream of [this.stdout, this.stderr]) {
      // A stream with no output at all may have ended before the helper's reply came.
      if (!stream || stream.closed) continue;
      this.#openOutputs += 1;
      stream.once('close', () => {
        this.#openOutputs -= 1;
        this.#closeIfDone();
      });
    }
  }

  get hasExited(): boolean {
    return this.#hasExited;
  }

  exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#hasExited) return;
    this.#hasExited = true;
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
    // Output nobody reads is drained, so that its end is seen and 'close' follows (as Node does for
    // a child's unread pipes).
    for (const stream of [this.stdout, this.stderr]) {
      if (stream && !stream.readableFlowing && stream.listenerCount('readable') === 0) {
        stream.resume();
      }
    }
    this.#closeIfDone();
  }

  #closeIfDone(): void {
    if (this.#hasExited && this.#openOutputs === 0) {
      this.emit('close', this.exitCode, this.signalCode);
    }
  }
}

interface Waiting {
  resolve: (process: SandboxProcess) => void;
  reject: (error: Error) => void;
  streams: (Socket | null)[];
}

export class Spawner {
  readonly #logger: Logger;
  #helper: ChildProcess | undefined;
  #socketPath = '';
  #starting: Promise<void> | undefined;
  #waiting = new Map<string, Waiting>();
  #running = new Map<string, SandboxProcess>();
  #isClosed = false;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  async spawn(file: string, args: string[], options: SpawnOptions): Promise<SandboxProcess> {
    if (this.#isClosed) throw new Error('kubesim is shutting down');
    await (this.#starting ??= this.#startHelper());
    const helper = this.#helper!;
    const id = randomBytes(16).toString('hex');
    const wanted: SpawnRequest['streams'] = [options.stdin, options.stdout, options.stderr];
    const streams = wanted.map((isWanted, fd) => {
      if (!isWanted) return null;
      const socket = connect(this.#socketPath);
      socket.on('error', () => {});
      socket.write(`${id}${fd}`);
      return socket;
    });
    const started = new Promise<SandboxProcess>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject, streams });
    });
    helper.send({ id, file, args, env: options.env, streams: wanted } satisfies SpawnRequest);
    return started;
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    const helper = this.#helper;
    if (!helper || helper.exitCode !== null || helper.signalCode !== null) return;
    const exited = once(helper, 'exit');
    helper.disconnect();
    await exited;
  }

  #startHelper(): Promise<void> {
    // An abstract socket: nothing on disk, gone with the helper.
    const name = `kubesim-spawn-${process.pid}-${randomBytes(8).toString('hex')}`;
    this.#socketPath = `\0${name}`;
    const helper = spawn(process.execPath, [helperPath, name], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#helper = helper;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`kubesim's spawn helper did not start in ${helperStartMs} ms`)),
        helperStartMs,
      );
      helper.on('message', (message: HelperReply) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve();
        } else this.#onReply(message);
      });
      helper.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`kubesim's spawn helper exited (${signal ?? code})`));
        this.#helperGone(helper, code, signal);
      });
    });
    return ready;
  }

  #onReply(message: Exclude<HelperReply, { type: 'ready' }>): void {
    if (message.type === 'exit') {
      const sandbox = this.#running.get(message.id);
      this.#running.delete(message.id);
      // The exit may come in the same read as the spawn's reply: whoever awaits the spawn gets to
      // listen before it is reported.
      setImmediate(() => sandbox?.exited(message.code, message.signal));
      return;
    }
    const waiting = this.#waiting.get(message.id);
    if (!waiting) return;
    this.#waiting.delete(message.id);
    if (message.type === 'failed') {
      for (const socket of waiting.streams) socket?.destroy();
      waiting.reject(new Error(message.message));
      return;
    }
    const sandbox = new SandboxProcess(message.pid, waiting.streams);
    this.#running.set(message.id, sandbox);
    waiting.resolve(sandbox);
  }

  // The helper died, and its children with it (bwrap --die-with-parent; their process groups are
  // killed here too, for anything that outlived it): they are reported killed, and the next spawn
  // starts a new helper.
  #helperGone(helper: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#helper !== helper) return;
    this.#helper = undefined;
    this.#starting = undefined;
    if (!this.#isClosed) {
      this.#logger.error({ code, signal }, 'spawn-helper-exited');
    }
    for (const waiting of this.#waiting.values()) {
      for (const socket of waiting.streams) socket?.destroy();
      waiting.reject(new Error("kubesim's spawn helper exited"));
    }
    this.#waiting.clear();
    for (const sandbox of this.#running.values()) {
      killGroup(sandbox.pid);
      sandbox.exited(null, 'SIGKILL');
    }
    this.#running.clear();
  }
}
