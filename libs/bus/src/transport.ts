// The primitives a bus transport provides. Two implementations: NATS with JetStream (every
// distributed deployment) and in-process memory (the single-process quickstart only).

export type Headers = Record<string, string>;

export interface RawMessage {
  data: Uint8Array;
  headers: Headers;
}

export interface Delivery {
  /** The message was delivered before and not acknowledged (its consumer died or gave up). */
  redelivered: boolean;
  /** Tells the transport the handler is still working, so the message is not redelivered. */
  working(): void;
}

export type QueueOutcome = { ack: true } | { ack: false; retryAfterMs: number };

export interface Stoppable {
  stop(): Promise<void>;
}

export interface Transport {
  readonly kind: 'nats' | 'memory';
  /** Adds a job to the work queue. A job with the same dedupe id as a recent one is dropped. */
  enqueue(subject: string, msg: RawMessage, dedupeId: string): Promise<void>;
  /** Takes jobs, at most `maxInFlight` at once; a job is acked only after `handler` says so. */
  consumeQueue(
    subject: string,
    opts: { maxInFlight: number; ackWaitMs: number },
    handler: (msg: RawMessage, delivery: Delivery) => Promise<QueueOutcome>,
  ): Stoppable;
  /**
   * Appends to a replayable stream. A message with the same dedupe id as a recent one is dropped:
   * a publish retried after a lost acknowledgement is stored once.
   */
  append(subject: string, msg: RawMessage, dedupeId: string): Promise<void>;
  /**
   * Delivers every message of `subject` after `cursor` (0 = from the start), then new ones as they
   * come, one at a time and in order. `cursor` values are what earlier deliveries reported.
   */
  replay(
    subject: string,
    cursor: number,
    handler: (msg: RawMessage, cursor: number) => Promise<void>,
  ): Stoppable;
  /** Fire-and-forget to every subscriber. */
  publish(subject: string, msg: RawMessage): Promise<void>;
  subscribe(subject: string, handler: (msg: RawMessage) => void): Stoppable;
  /** Request/reply with one responder out of `queue`. */
  request(subject: string, msg: RawMessage, timeoutMs: number): Promise<RawMessage>;
  serve(
    subject: string,
    queue: string,
    handler: (msg: RawMessage) => Promise<RawMessage>,
  ): Stoppable;
  close(): Promise<void>;
}
