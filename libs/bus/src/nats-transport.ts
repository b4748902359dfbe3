// The NATS transport: JetStream for the step-job work queue and the replayable step events, core
// NATS for aborts, intercept sessions and request/reply.
import { connect } from '@nats-io/transport-node';
import {
  headers as natsHeaders,
  nanos,
  type MsgHdrs,
  type NatsConnection,
} from '@nats-io/nats-core';
import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JsMsg,
  type StreamConfig,
} from '@nats-io/jetstream';
import { streams, subjects } from './subjects.ts';
import type {
  Delivery,
  Headers,
  QueueOutcome,
  RawMessage,
  Stoppable,
  Transport,
} from './transport.ts';

const hour = 60 * 60 * 1000;
const publishRetryMs = 60_000;

function toNatsHeaders(h: Headers): MsgHdrs {
  const out = natsHeaders();
  for (const [k, v] of Object.entries(h)) out.set(k, v);
  return out;
}

function fromNatsHeaders(h: MsgHdrs | undefined): Headers {
  const out: Headers = {};
  if (!h) return out;
  for (const key of h.keys()) out[key] = h.get(key);
  return out;
}

export interface NatsTransportOptions {
  url: string;
  /** Prefix for stream and durable names, so several installations (or tests) share one server. */
  namespace?: string;
  name?: string;
}

export class NatsTransport implements Transport {
  readonly kind = 'nats' as const;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #prefix: string;

  private constructor(nc: NatsConnection, prefix: string) {
    this.#nc = nc;
    this.#js = jetstream(nc);
    this.#prefix = prefix;
  }

  static async connect(opts: NatsTransportOptions): Promise<NatsTransport> {
    const nc = await connect({
      servers: opts.url,
      name: opts.name ?? 'jetbridge',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    const transport = new NatsTransport(nc, opts.namespace ?? '');
    await transport.#ensureStreams();
    return transport;
  }

  subject(name: string): string {
    return this.#prefix ? `${this.#prefix}.${name}` : name;
  }

  #stream(name: string): string {
    return this.#prefix ? `${this.#prefix.replace(/[^A-Za-z0-9_-]/g, '_')}_${name}` : name;
  }

  async #ensureStreams(): Promise<void> {
    const jsm = await jetstreamManager(this.#nc);
    const wanted: (Partial<StreamConfig> & { name: string })[] = [
      {
        name: this.#stream(streams.steps),
        subjects: [this.subject(subjects.stepJobs)],
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
        duplicate_window: nanos(2 * 60 * 1000),
        max_age: nanos(24 * hour),
      },
      {
        name: this.#stream(streams.events),
        subjects: [this.subject(subjects.allStepEvents)],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        max_age: nanos(24 * hour),
      },
    ];
    for (const config of wanted) {
      try {
        await jsm.streams.info(config.name);
        await jsm.streams.update(config.name, config);
      } catch {
        await jsm.streams.add(config);
      }
    }
  }

  async enqueue(subject: string, msg: RawMessage, dedupeId: string): Promise<void> {
    await this.#publishDurably(subject, msg, dedupeId);
  }

  // A JetStream publish made while the server is away (restart, failover) times out; it is retried
  // until the server is back, within a bound. The message id lets the stream drop a retry whose
  // first attempt had in fact been stored.
  async #publishDurably(subject: string, msg: RawMessage, msgID: string): Promise<void> {
    const deadline = Date.now() + publishRetryMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#js.publish(this.subject(subject), msg.data, {
          msgID,
          headers: toNatsHeaders(msg.headers),
        });
        return;
      } catch (err) {
        if (this.#nc.isClosed() || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 2000)));
      }
    }
  }

  consumeQueue(
    subject: string,
    opts: { maxInFlight: number; ackWaitMs: number },
    handler: (msg: RawMessage, delivery: Delivery) => Promise<QueueOutcome>,
  ): Stoppable {
    let stopped = false;
    const inFlight = new Set<Promise<void>>();
    const stream = this.#stream(streams.steps);
    const durable = `${this.#stream('consumer')}_${subject.replace(/[^A-Za-z0-9]/g, '_')}`;

    const handle = async (m: JsMsg) => {
      const extend = setInterval(() => m.working(), Math.max(1000, opts.ackWaitMs / 3));
      try {
        const outcome = await handler(
          { data: m.data, headers: fromNatsHeaders(m.headers) },
          { redelivered: m.redelivered, working: () => m.working() },
        ).catch((): QueueOutcome => ({ ack: false, retryAfterMs: 1000 }));
        if (outcome.ack) m.ack();
        else m.nak(outcome.retryAfterMs);
      } finally {
        clearInterval(extend);
      }
    };

    const loop = async () => {
      const jsm = await jetstreamManager(this.#nc);
      await jsm.consumers
        .add(stream, {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          ack_wait: nanos(opts.ackWaitMs),
          filter_subject: this.subject(subject),
          max_ack_pending: 100_000,
        })
        .catch(() => jsm.consumers.update(stream, durable, { ack_wait: nanos(opts.ackWaitMs) }));
      const consumer = await this.#js.consumers.get(stream, durable);
      while (!stopped) {
        const free = opts.maxInFlight - inFlight.size;
        if (free <= 0) {
          await Promise.race(inFlight);
          continue;
        }
        try {
          const batch = await consumer.fetch({ max_messages: free, expires: 2000 });
          for await (const m of batch) {
            const p: Promise<void> = handle(m).finally(() => inFlight.delete(p));
            inFlight.add(p);
          }
        } catch {
          if (!stopped) await new Promise((r) => setTimeout(r, 500));
        }
      }
    };
    const running = loop().catch(() => {});
    return {
      stop: async () => {
        stopped = true;
        await running;
        await Promise.all(inFlight);
      },
    };
  }

  async append(subject: string, msg: RawMessage, dedupeId: string): Promise<void> {
    await this.#publishDurably(subject, msg, `${subject}/${dedupeId}`);
  }

  replay(
    subject: string,
    cursor: number,
    handler: (msg: RawMessage, cursor: number) => Promise<void>,
  ): Stoppable {
    let stopped = false;
    let position = cursor;
    let stopIterator: (() => void) | null = null;
    const run = async () => {
      const consumer = await this.#js.consumers.get(this.#stream(streams.events), {
        filter_subjects: this.subject(subject),
        ...(position > 0
          ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 }
          : { deliver_policy: DeliverPolicy.All }),
      });
      const messages = await consumer.consume();
      stopIterator = () => messages.stop();
      if (stopped) messages.stop();
      for await (const m of messages) {
        if (stopped) break;
        await handler({ data: m.data, headers: fromNatsHeaders(m.headers) }, m.seq);
        position = m.seq;
      }
    };
    // A consumer lost to a server restart is recreated from the last position handled.
    const running = (async () => {
      while (!stopped) {
        await run().catch(() => {});
        if (!stopped) await new Promise((r) => setTimeout(r, 500));
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        stopIterator?.();
        await running;
      },
    };
  }

  async publish(subject: string, msg: RawMessage): Promise<void> {
    this.#nc.publish(this.subject(subject), msg.data, { headers: toNatsHeaders(msg.headers) });
  }

  subscribe(subject: string, handler: (msg: RawMessage) => void): Stoppable {
    const sub = this.#nc.subscribe(this.subject(subject), {
      callback: (err, m) => {
        if (!err) handler({ data: m.data, headers: fromNatsHeaders(m.headers) });
      },
    });
    return { stop: async () => sub.unsubscribe() };
  }

  async request(subject: string, msg: RawMessage, timeoutMs: number): Promise<RawMessage> {
    const reply = await this.#nc.request(this.subject(subject), msg.data, {
      timeout: timeoutMs,
      headers: toNatsHeaders(msg.headers),
    });
    return { data: reply.data, headers: fromNatsHeaders(reply.headers) };
  }

  serve(
    subject: string,
    queue: string,
    handler: (msg: RawMessage) => Promise<RawMessage>,
  ): Stoppable {
    const sub = this.#nc.subscribe(this.subject(subject), {
      queue,
      callback: (err, m) => {
        if (err) return;
        handler({ data: m.data, headers: fromNatsHeaders(m.headers) })
          .then((reply) => m.respond(reply.data, { headers: toNatsHeaders(reply.headers) }))
          .catch(() => {});
      },
    });
    return { stop: async () => sub.unsubscribe() };
  }

  async close(): Promise<void> {
    await this.#nc.drain().catch(() => this.#nc.close());
  }
}
