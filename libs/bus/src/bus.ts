// The typed bus: what services call. It validates every message on the way out and on the way in,
// and carries the W3C trace context in the headers so a trace follows a build across services.
import { createHash } from 'node:crypto';
import { ROOT_CONTEXT, context, propagation, type Context } from '@opentelemetry/api';
import { z } from 'zod';
import {
  abortStep,
  interceptInput,
  interceptOpen,
  interceptOpened,
  interceptOutput,
  stepEvent,
  stepJob,
  type AbortStep,
  type InterceptInput,
  type InterceptOpen,
  type InterceptOpened,
  type InterceptOutput,
  type StepEvent,
  type StepJob,
  type StepJobInput,
} from './messages.ts';
import { queueGroups, subjects } from './subjects.ts';
import type { Delivery, Headers, RawMessage, Stoppable, Transport } from './transport.ts';

export type RpcService = keyof typeof queueGroups;

export class InvalidMessageError extends Error {
  override name = 'InvalidMessageError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encode<S extends z.ZodType>(schema: S, value: z.input<S>): RawMessage {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidMessageError(`refusing to send: ${parsed.error.message}`);
  const headers: Headers = {};
  propagation.inject(context.active(), headers);
  return { data: encoder.encode(JSON.stringify(parsed.data)), headers };
}

function decode<S extends z.ZodType>(schema: S, msg: RawMessage): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(msg.data));
  } catch {
    throw new InvalidMessageError('message is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidMessageError(parsed.error.message);
  return parsed.data;
}

// Output events carry most of the bytes on the bus. They travel as a frame instead of JSON: a zero
// byte (JSON always starts with `{`), the length of the JSON head (4 bytes, big-endian), the head
// (every field but the bytes) and the bytes as they are. No base64, no escaping, no copy of the
// bytes into a string on either side.
const outputFrameMark = 0;
const outputHeadAt = 5;

// Output events stored before the frame existed carry their bytes as base64 in JSON.
const stepEventOrJsonOutput = z.preprocess((value) => {
  const event = value as { kind?: unknown; data?: unknown } | null;
  if (event?.kind === 'output' && typeof event.data === 'string')
    return { ...event, data: Buffer.from(event.data, 'base64') };
  return value;
}, stepEvent);

export function encodeStepEvent(event: StepEvent): RawMessage {
  if (event.kind !== 'output') return encode(stepEvent, event);
  const parsed = stepEvent.safeParse(event);
  if (!parsed.success) throw new InvalidMessageError(`refusing to send: ${parsed.error.message}`);
  const { data, ...head } = event;
  const headBytes = encoder.encode(JSON.stringify(head));
  const frame = new Uint8Array(outputHeadAt + headBytes.length + data.length);
  frame[0] = outputFrameMark;
  new DataView(frame.buffer).setUint32(1, headBytes.length);
  frame.set(headBytes, outputHeadAt);
  frame.set(data, outputHeadAt + headBytes.length);
  const headers: Headers = {};
  propagation.inject(context.active(), headers);
  return { data: frame, headers };
}

// What identifies a step event for the stream's duplicate detection. Output is named by where its
// bytes sit in the stream (hashing every byte of a fast log costs more than sending it); any other
// event by a hash of its encoding, which is small.
function stepEventId(event: StepEvent, msg: RawMessage): string {
  if (event.kind === 'output')
    return `${event.handle}/${event.stream}/${event.offset}+${event.data.length}`;
  return createHash('sha256').update(msg.data).digest('hex');
}

export function decodeStepEvent(msg: RawMessage): StepEvent {
  const raw = msg.data;
  if (raw[0] !== outputFrameMark) return decode(stepEventOrJsonOutput, msg);
  if (raw.length < outputHeadAt) throw new InvalidMessageError('output frame is truncated');
  const headLength = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(1);
  const dataAt = outputHeadAt + headLength;
  if (dataAt > raw.length) throw new InvalidMessageError('output frame head overruns the frame');
  let head: unknown;
  try {
    head = JSON.parse(decoder.decode(raw.subarray(outputHeadAt, dataAt)));
  } catch {
    throw new InvalidMessageError('output frame head is not JSON');
  }
  if (head === null || typeof head !== 'object' || Array.isArray(head))
    throw new InvalidMessageError('output frame head is not an object');
  const parsed = stepEvent.safeParse({ ...head, data: raw.subarray(dataAt) });
  if (!parsed.success || parsed.data.kind !== 'output')
    throw new InvalidMessageError(parsed.error?.message ?? 'output frame head is not an output');
  return parsed.data;
}

/** The trace context a message carried. */
export function messageContext(msg: RawMessage): Context {
  return propagation.extract(ROOT_CONTEXT, msg.headers);
}

export interface BusOptions {
  /** Called with messages that fail validation; they are dropped. */
  onInvalid?: (subject: string, err: unknown) => void;
}

export class Bus {
  readonly transport: Transport;
  readonly #onInvalid: (subject: string, err: unknown) => void;

  constructor(transport: Transport, opts: BusOptions = {}) {
    this.transport = transport;
    this.#onInvalid = opts.onInvalid ?? (() => {});
  }

  async publishStepJob(job: StepJobInput): Promise<void> {
    await this.transport.enqueue(subjects.stepJobs, encode(stepJob, job), `${job.handle}`);
  }

  /** Runs each step job; it is acked when `handler` resolves and retried when it throws. */
  consumeStepJobs(
    opts: { maxInFlight: number; ackWaitMs?: number },
    handler: (job: StepJob, delivery: Delivery, ctx: Context) => Promise<void>,
  ): Stoppable {
    return this.transport.consumeQueue(
      subjects.stepJobs,
      { maxInFlight: opts.maxInFlight, ackWaitMs: opts.ackWaitMs ?? 30_000 },
      async (msg, delivery) => {
        let job: StepJob;
        try {
          job = decode(stepJob, msg);
        } catch (err) {
          this.#onInvalid(subjects.stepJobs, err);
          return { ack: true };
        }
        const ctx = messageContext(msg);
        try {
          await context.with(ctx, () => handler(job, delivery, ctx));
          return { ack: true };
        } catch {
          return { ack: false, retryAfterMs: 2000 };
        }
      },
    );
  }

  async publishStepEvent(event: StepEvent): Promise<void> {
    const msg = encodeStepEvent(event);
    await this.transport.append(subjects.stepEvents(event.buildId), msg, stepEventId(event, msg));
  }

  /** Replays a build's step events after `cursor` (0 = all), then follows new ones, in order. */
  followStepEvents(
    buildId: number,
    cursor: number,
    handler: (event: StepEvent, cursor: number) => Promise<void>,
  ): Stoppable {
    const subject = subjects.stepEvents(buildId);
    return this.transport.replay(subject, cursor, async (msg, next) => {
      let event: StepEvent;
      try {
        event = decodeStepEvent(msg);
      } catch (err) {
        this.#onInvalid(subject, err);
        return;
      }
      await handler(event, next);
    });
  }

  async publishAbort(msg: AbortStep): Promise<void> {
    await this.transport.publish(subjects.abort, encode(abortStep, msg));
  }

  subscribeAborts(handler: (msg: AbortStep) => void): Stoppable {
    return this.transport.subscribe(subjects.abort, (raw) => {
      try {
        handler(decode(abortStep, raw));
      } catch (err) {
        this.#onInvalid(subjects.abort, err);
      }
    });
  }

  async openIntercept(req: InterceptOpen, timeoutMs = 30_000): Promise<InterceptOpened> {
    const reply = await this.transport.request(
      subjects.interceptOpen,
      encode(interceptOpen, req),
      timeoutMs,
    );
    return decode(interceptOpened, reply);
  }

  serveIntercepts(handler: (req: InterceptOpen) => Promise<InterceptOpened>): Stoppable {
    return this.transport.serve(subjects.interceptOpen, queueGroups.podExecutor, async (raw) => {
      const req = decode(interceptOpen, raw);
      return encode(interceptOpened, await handler(req));
    });
  }

  async sendInterceptInput(sessionId: string, msg: InterceptInput): Promise<void> {
    await this.transport.publish(subjects.interceptInput(sessionId), encode(interceptInput, msg));
  }

  onInterceptInput(sessionId: string, handler: (msg: InterceptInput) => void): Stoppable {
    const subject = subjects.interceptInput(sessionId);
    return this.transport.subscribe(subject, (raw) => {
      try {
        handler(decode(interceptInput, raw));
      } catch (err) {
        this.#onInvalid(subject, err);
      }
    });
  }

  async sendInterceptOutput(sessionId: string, msg: InterceptOutput): Promise<void> {
    await this.transport.publish(subjects.interceptOutput(sessionId), encode(interceptOutput, msg));
  }

  onInterceptOutput(sessionId: string, handler: (msg: InterceptOutput) => void): Stoppable {
    const subject = subjects.interceptOutput(sessionId);
    return this.transport.subscribe(subject, (raw) => {
      try {
        handler(decode(interceptOutput, raw));
      } catch (err) {
        this.#onInvalid(subject, err);
      }
    });
  }

  /** Typed request/reply to one replica of `service` (schemas live in messages.ts). */
  async request<Req extends z.ZodType, Res extends z.ZodType>(
    service: RpcService,
    op: string,
    schemas: { request: Req; response: Res },
    body: z.input<Req>,
    timeoutMs = 30_000,
  ): Promise<z.output<Res>> {
    const reply = await this.transport.request(
      subjects.rpc(service, op),
      encode(schemas.request, body),
      timeoutMs,
    );
    return decode(schemas.response, reply);
  }

  serve<Req extends z.ZodType, Res extends z.ZodType>(
    service: RpcService,
    op: string,
    schemas: { request: Req; response: Res },
    handler: (body: z.output<Req>) => Promise<z.input<Res>>,
  ): Stoppable {
    return this.transport.serve(subjects.rpc(service, op), queueGroups[service], async (raw) =>
      encode(schemas.response, await handler(decode(schemas.request, raw))),
    );
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}
