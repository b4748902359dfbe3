// A NATS server with JetStream that belongs to one test, so the test may stop and restart it
// without disturbing anyone else's. Its store directory survives restarts, as a real one would.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ManagedProcess } from '../support/processes.ts';

const readyTimeoutMs = 30_000;

export class PrivateNats {
  readonly url: string;
  readonly #port: number;
  readonly #storeDir: string;
  #process: ManagedProcess | null = null;

  private constructor(port: number, storeDir: string) {
    this.#port = port;
    this.#storeDir = storeDir;
    this.url = `nats://127.0.0.1:${port}`;
  }

  static async start(): Promise<PrivateNats> {
    const nats = new PrivateNats(await freePort(), await mkdtemp(join(tmpdir(), 'jb-nats-')));
    await nats.#launch();
    return nats;
  }

  async #launch(): Promise<void> {
    this.#process = new ManagedProcess('nats-server', 'nats-server', [
      '-js',
      '-a',
      '127.0.0.1',
      '-p',
      String(this.#port),
      '-sd',
      this.#storeDir,
    ]);
    await this.#process.waitFor(/Server is ready/, readyTimeoutMs);
  }

  /** Stops the server and starts it again on the same port and store. */
  async restart(): Promise<void> {
    await this.#process?.stop();
    await this.#launch();
  }

  async stop(): Promise<void> {
    await this.#process?.stop();
    await rm(this.#storeDir, { recursive: true, force: true });
  }
}
