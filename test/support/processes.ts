// Child processes of integration tests: started with their output captured, waited on by what they
// print (never by sleeping), and always stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  #output = '';
  #waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.name = name;
    this.child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer) => {
      this.#output += chunk.toString('utf8');
      this.#waiters = this.#waiters.filter((w) => {
        const m = this.#output.match(w.re);
        if (m) w.resolve(m);
        return !m;
      });
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get output(): string {
    return this.#output;
  }

  /** Resolves when the output matches `re`; rejects on timeout or if the process exits first. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const already = this.#output.match(re);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.name}: no ${re} within ${timeoutMs} ms\n${this.tail()}`)),
        timeoutMs,
      );
      const waiter = {
        re,
        resolve: (m: RegExpMatchArray) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.#waiters.push(waiter);
      void this.exited.then((code) => {
        clearTimeout(timer);
        if (this.#waiters.includes(waiter)) {
          reject(new Error(`${this.name} exited (${code}) before printing ${re}\n${this.tail()}`));
        }
      });
    });
  }

  tail(lines = 40): string {
    return this.#output.split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  kill(): Promise<number | null> {
    this.child.kill('SIGKILL');
    return this.exited;
  }
}
