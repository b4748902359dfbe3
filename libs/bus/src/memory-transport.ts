// The in-process transport: the same semantics as NATS, for `jetbridge quickstart` in one process.
import type { Delivery, QueueOutcome, RawMessage, Stoppable, Transport } from './transport.ts';

interface QueuedJob {
  msg: RawMessage;
  redelivered: boolean;
}

type QueueHandler = (msg: RawMessage, delivery: Delivery) => Promise<QueueOutcome>;

interface QueueConsumer {
  handler: QueueHandler;
  maxInFlight: number;
  inFlight: number;
  stopped: boolean;
}

const dedupeWindowMs = 2 * 60 * 1000;

export class MemoryTransport implements Transport {
  readonly kind = 'memory' as const;
  readonly #queues = new Map<string, QueuedJob[]>();
  readonly #consumers = new Map<string, QueueConsumer[]>();
  readonly #recentIds = new Map<string, number>();
  readonly #streams = new Map<string, RawMessage[]>();
  readonly #streamListeners = new Map<string, Set<() => void>>();
  readonly #subscribers = new Map<string, Set<(msg: RawMessage) => void>>();
  readonly #servers = new Map<string, ((msg: RawMessage) => Promise<RawMessage>)[]>();
  #nextServer = 0;

  async enqueue(subject: string, msg: RawMessage, dedupeId: string): Promise<void> {
    const now = Date.now();
    for (const [id, at] of this.#recentIds)
      if (now - at > dedupeWindowMs) this.#recentIds.delete(id);
    if (this.#recentIds.has(dedupeId)) return;
    this.#recentIds.set(dedupeId, now);
    this.#queueOf(subject).push({ msg, redelivered: false });
    this.#dispatch(subject);
  }

  consumeQueue(
    subject: string,
    opts: { maxInFlight: number; ackWaitMs: number },
    handler: QueueHandler,
  ): Stoppable {
    const consumer: QueueConsumer = {
      handler,
      maxInFlight: opts.maxInFlight,
      inFlight: 0,
      stopped: false,
    };
    const list = this.#consumers.get(subject) ?? [];
    list.push(consumer);
    this.#consumers.set(subject, list);
    this.#dispatch(subject);
    return {
      stop: async () => {
        consumer.stopped = true;
        this.#consumers.set(
          subject,
          (this.#consumers.get(subject) ?? []).filter((c) => c !== consumer),
        );
      },
    };
  }

  async append(subject: string, msg: RawMessage, _dedupeId: string): Promise<void> {
    const list = this.#streams.get(subject) ?? [];
    list.push(msg);
    this.#streams.set(subject, list);
    for (const wake of this.#streamListeners.get(subject) ?? []) wake();
  }

  replay(
    subject: string,
    cursor: number,
    handler: (msg: RawMessage, cursor: number) => Promise<void>,
  ): Stoppable {
    let position = cursor;
    let stopped = false;
    let pumping: Promise<void> | null = null;
    const pump = () => {
      if (pumping || stopped) return;
      pumping = (async () => {
        const list = this.#streams.get(subject) ?? [];
        while (!stopped && position < list.length) {
          const msg = list[position]!;
          position += 1;
          await handler(msg, position);
        }
      })().finally(() => {
        pumping = null;
        const list = this.#streams.get(subject) ?? [];
        if (!stopped && position < list.length) pump();
      });
    };
    const listeners = this.#streamListeners.get(subject) ?? new Set();
    listeners.add(pump);
    this.#streamListeners.set(subject, listeners);
    queueMicrotask(pump);
    return {
      stop: async () => {
        stopped = true;
        listeners.delete(pump);
        await pumping;
      },
    };
  }

  async publish(subject: string, msg: RawMessage): Promise<void> {
    for (const handler of this.#subscribers.get(subject) ?? []) queueMicrotask(() => handler(msg));
  }

  subscribe(subject: string, handler: (msg: RawMessage) => void): Stoppable {
    const set = this.#subscribers.get(subject) ?? new Set();
    set.add(handler);
    this.#subscribers.set(subject, set);
    return {
      stop: async () => {
        set.delete(handler);
      },
    };
  }

  async request(subject: string, msg: RawMessage, timeoutMs: number): Promise<RawMessage> {
    const servers = this.#servers.get(subject) ?? [];
    if (servers.length === 0) throw new Error(`no responders for ${subject}`);
    const server = servers[this.#nextServer++ % servers.length]!;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`request to ${subject} timed out`)), timeoutMs);
    });
    try {
      return await Promise.race([server(msg), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  serve(
    subject: string,
    _queue: string,
    handler: (msg: RawMessage) => Promise<RawMessage>,
  ): Stoppable {
    const list = this.#servers.get(subject) ?? [];
    list.push(handler);
    this.#servers.set(subject, list);
    return {
      stop: async () => {
        this.#servers.set(
          subject,
          (this.#servers.get(subject) ?? []).filter((h) => h !== handler),
        );
      },
    };
  }

  async close(): Promise<void> {
    for (const consumers of this.#consumers.values()) for (const c of consumers) c.stopped = true;
    this.#consumers.clear();
    this.#streamListeners.clear();
    this.#subscribers.clear();
    this.#servers.clear();
  }

  #queueOf(subject: string): QueuedJob[] {
    let queue = this.#queues.get(subject);
    if (!queue) {
      queue = [];
      this.#queues.set(subject, queue);
    }
    return queue;
  }

  #dispatch(subject: string): void {
    const queue = this.#queueOf(subject);
    for (const consumer of this.#consumers.get(subject) ?? []) {
      while (!consumer.stopped && consumer.inFlight < consumer.maxInFlight && queue.length > 0) {
        const job = queue.shift()!;
        consumer.inFlight += 1;
        const delivery: Delivery = { redelivered: job.redelivered, working: () => {} };
        consumer
          .handler(job.msg, delivery)
          .catch((): QueueOutcome => ({ ack: false, retryAfterMs: 1000 }))
          .then((outcome) => {
            consumer.inFlight -= 1;
            if (!outcome.ack) {
              const retry = setTimeout(() => {
                queue.push({ msg: job.msg, redelivered: true });
                this.#dispatch(subject);
              }, outcome.retryAfterMs);
              retry.unref();
            }
            this.#dispatch(subject);
          });
      }
    }
  }
}
