// A server-sent-events source with vito/go-sse's rules: the first connection decides errors,
// 500/502/503/504 and read errors are retried with Last-Event-ID, a clean close is end of stream.
import type { IncomingMessage } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import { statusLine } from '../http.ts';

export interface SseEvent {
  id: string;
  name: string;
  data: string;
}

export type Connect = (lastEventId: string) => Promise<IncomingMessage>;

const RETRIED_STATUSES = new Set([500, 502, 503, 504]);

class StreamBroken extends Error {}

/** Splits a response body into lines; a torn last line or a reset connection is StreamBroken. */
async function* lines(res: IncomingMessage): AsyncGenerator<string> {
  let pending = '';
  try {
    for await (const chunk of res) {
      pending += (chunk as Buffer).toString('utf8');
      let nl = pending.indexOf('\n');
      while (nl !== -1) {
        yield pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
    }
  } catch (err) {
    throw new StreamBroken((err as Error).message);
  }
  if (!res.complete) throw new StreamBroken('unexpected EOF');
  if (pending !== '') throw new StreamBroken('unexpected EOF');
}

export class EventSource {
  private readonly connect: Connect;
  private readonly retryMs: number;
  private readonly signal: AbortSignal;
  private lastId = '';
  private reader: AsyncGenerator<string> | undefined;
  private response: IncomingMessage | undefined;

  constructor(connect: Connect, retryMs: number, signal: AbortSignal) {
    this.connect = connect;
    this.retryMs = retryMs;
    this.signal = signal;
  }

  /** Dials until a 200 arrives; retries network errors and the 5xx statuses go-sse retries. */
  async open(): Promise<void> {
    for (;;) {
      let res: IncomingMessage;
      try {
        res = await this.connect(this.lastId);
      } catch (err) {
        if (this.signal.aborted) throw err;
        await delay(this.retryMs, undefined, { signal: this.signal });
        continue;
      }
      if (res.statusCode === 200) {
        this.response = res;
        this.reader = lines(res);
        return;
      }
      res.resume();
      if (RETRIED_STATUSES.has(res.statusCode ?? 0)) {
        await delay(this.retryMs, undefined, { signal: this.signal });
        continue;
      }
      if (res.statusCode === 401) throw new UnauthorizedError();
      if (res.statusCode === 403) throw new ForbiddenError('forbidden');
      throw new Error(`bad response from event source: ${statusLine(res)}`);
    }
  }

  /** The next event with data, or null at end of stream. */
  async next(): Promise<SseEvent | null> {
    for (;;) {
      if (this.reader === undefined) await this.open();
      try {
        const event = await this.readFrame();
        if (event === null) return null;
        this.lastId = event.id;
        return event;
      } catch (err) {
        if (!(err instanceof StreamBroken) || this.signal.aborted) throw err;
        this.close();
        await delay(this.retryMs, undefined, { signal: this.signal });
      }
    }
  }

  close(): void {
    this.response?.destroy();
    this.response = undefined;
    this.reader = undefined;
  }

  private async readFrame(): Promise<SseEvent | null> {
    const reader = this.reader as AsyncGenerator<string>;
    let id = this.lastId;
    let name = '';
    let data: string[] | null = null;
    let sawField = false;
    for (;;) {
      const step = await reader.next();
      if (step.done) {
        if (sawField) throw new StreamBroken('unexpected EOF');
        return null;
      }
      const line = step.value;
      if (line === '') {
        if (data !== null) return { id, name, data: data.join('\n') };
        sawField = false;
        name = '';
        continue;
      }
      if (line.startsWith(':')) continue;
      sawField = true;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') id = value;
      else if (field === 'event') name = value;
      else if (field === 'data') (data ??= []).push(value);
    }
  }
}
