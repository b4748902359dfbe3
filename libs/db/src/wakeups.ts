// LISTEN/NOTIFY wakeups between replicas. A notification only makes work happen sooner: every
// consumer also polls, so a lost NOTIFY (dropped connection, restart) delays work, never strands it.
import pg from 'pg';
import { connectionConfig, type Pool, type PostgresSettings } from './pool.ts';

type Handler = (payload: string) => void;

export class Wakeups {
  readonly #settings: PostgresSettings;
  readonly #pool: Pool;
  readonly #handlers = new Map<string, Set<Handler>>();
  #client: pg.Client | null = null;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | null = null;
  /** LISTEN statements run one after another on the single listening connection. */
  #listening: Promise<unknown> = Promise.resolve();

  constructor(pool: Pool, settings: PostgresSettings) {
    this.#pool = pool;
    this.#settings = settings;
  }

  async start(): Promise<void> {
    await this.#connect();
  }

  async notify(channel: string, payload = ''): Promise<void> {
    await this.#pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /** Calls `handler` for every notification on `channel`; returns the unsubscribe function. */
  on(channel: string, handler: Handler): () => void {
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
      const client = this.#client;
      if (client) {
        this.#listening = this.#listening
          .then(() => client.query(`LISTEN "${channel}"`))
          .catch(() => this.#scheduleReconnect());
      }
    }
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
    };
  }

  /** Resolves once every channel subscribed so far is listened to (or its LISTEN failed). */
  async listening(): Promise<void> {
    await this.#listening;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(connectionConfig(this.#settings));
    client.on('notification', (msg) => {
      for (const handler of this.#handlers.get(msg.channel) ?? []) handler(msg.payload ?? '');
    });
    client.on('error', () => this.#scheduleReconnect());
    client.on('end', () => this.#scheduleReconnect());
    await client.connect();
    for (const channel of this.#handlers.keys()) await client.query(`LISTEN "${channel}"`);
    this.#client = client;
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    const old = this.#client;
    this.#client = null;
    old?.end().catch(() => {});
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (this.#closed) return;
      this.#connect().catch(() => this.#scheduleReconnect());
      // Anything notified while disconnected is caught up by a synthetic wakeup.
      for (const handlers of this.#handlers.values()) for (const h of handlers) h('');
    }, 1000);
    this.#reconnectTimer.unref();
  }
}

export interface WakeLoopOptions {
  wakeups: Wakeups;
  channel: string;
  /** Upper bound between two runs when no notification arrives. */
  pollIntervalMs: number;
  tick: () => Promise<void>;
  onError: (err: unknown) => void;
}

/**
 * Runs `tick` on every wakeup and at least every `pollIntervalMs`, never two at once; a wakeup
 * during a run triggers exactly one more run. Returns the stop function (which waits for the
 * running tick).
 */
export function runOnWakeup(opts: WakeLoopOptions): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(kick, opts.pollIntervalMs);
    timer.unref();
  };

  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await opts.tick();
        } catch (err) {
          opts.onError(err);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
      schedule();
    });
  };

  const unsubscribe = opts.wakeups.on(opts.channel, kick);
  kick();

  return async () => {
    stopped = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
    await running;
  };
}
