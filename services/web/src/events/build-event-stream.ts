// Streams a build's stored events as SSE: from Last-Event-ID + 1, woken by NOTIFY on new events
// with a polling fallback, ending with an `end` frame once a completed build's events are all sent.
// The connection then stays open until the client leaves, as Concourse's does.
import { BadRequestError } from '@jetbridge/api-types';
import { channels } from '@jetbridge/db';
import type { WebContext } from '../context.ts';
import { endFrame, eventFrame, type StoredEvent } from './sse-frames.ts';

const POLL_MS = 1000;
const BATCH = 500;
const TERMINAL = new Set(['succeeded', 'failed', 'errored', 'aborted']);

export const eventStreamHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  'X-Accel-Buffering': 'no',
  'X-ATC-Stream-Version': '2.0',
};

/** The first event id to send for a `Last-Event-ID` header value. */
export function firstEventId(lastEventId: string | null): number {
  const value = (lastEventId ?? '').trim();
  if (value === '') return 0;
  if (!/^\d+$/.test(value)) throw new BadRequestError(`Last-Event-ID '${value}' is not a number`);
  // Event ids are Postgres integers: past their range there is nothing left to send.
  return Math.min(Number(value) + 1, 2_147_483_647);
}

export function streamBuildEvents(
  ctx: WebContext,
  buildId: number,
  startAt: number,
  signal?: AbortSignal,
): Response {
  const encoder = new TextEncoder();
  let closed = false;
  let wake: (() => void) | null = null;
  const stop = () => {
    closed = true;
    wake?.();
  };
  signal?.addEventListener('abort', stop);
  const unsubscribe = ctx.wakeups.on(channels.buildEvents, (payload) => {
    if (payload === '' || payload === String(buildId)) wake?.();
  });

  const waitForWakeup = (ms: number | null) =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      const timer = ms === null ? null : setTimeout(() => done(), ms);
      const done = () => {
        if (timer) clearTimeout(timer);
        wake = null;
        resolve();
      };
      wake = done;
    });

  const readEvents = async (from: number) =>
    (
      await ctx.pool.query<StoredEvent>(
        `SELECT event_id, type, version, data FROM build_events
         WHERE build_id = $1 AND event_id >= $2 ORDER BY event_id LIMIT ${BATCH}`,
        [buildId, from],
      )
    ).rows;

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      void pump(controller);
    },
    cancel() {
      stop();
    },
  });

  async function pump(controller: ReadableStreamDefaultController<Uint8Array>) {
    let cursor = startAt;
    const send = (events: StoredEvent[]) => {
      for (const event of events) controller.enqueue(encoder.encode(eventFrame(event)));
      if (events.length > 0) cursor = events.at(-1)!.event_id + 1;
      return events.length;
    };
    try {
      while (!closed) {
        if (send(await readEvents(cursor)) === BATCH) continue;
        const status = await ctx.pool.query<{ status: string }>(
          'SELECT status FROM builds WHERE id = $1',
          [buildId],
        );
        const row = status.rows[0];
        if (!row || TERMINAL.has(row.status)) {
          // The final status event commits with the status, so one more read sees everything.
          let sent: number;
          do {
            sent = send(await readEvents(cursor));
          } while (sent > 0);
          // A build deleted with its pipeline or team while it ran has no final status: say so,
          // so fly reports it instead of ending as if the build had succeeded.
          if (!row) send(deletedBuildEvents(cursor));
          controller.enqueue(encoder.encode(endFrame(cursor)));
          await waitForWakeupUntilClosed();
          break;
        }
        await waitForWakeup(POLL_MS);
      }
    } catch (err) {
      if (!closed) ctx.logger.warn({ err, build_id: buildId }, 'event-stream-failed');
      controller.error(err);
    } finally {
      unsubscribe();
      signal?.removeEventListener('abort', stop);
    }
  }

  async function waitForWakeupUntilClosed() {
    while (!closed) await waitForWakeup(null);
  }

  return new Response(body, { status: 200, headers: eventStreamHeaders });
}

function deletedBuildEvents(firstId: number): StoredEvent[] {
  const time = Math.floor(Date.now() / 1000);
  return [
    {
      event_id: firstId,
      type: 'error',
      version: '4.1',
      data: { message: 'the build was deleted with its pipeline or team', origin: {}, time },
    },
    { event_id: firstId + 1, type: 'status', version: '1.0', data: { status: 'aborted', time } },
  ];
}
