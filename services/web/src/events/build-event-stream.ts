// Streams a build's stored events as SSE: from Last-Event-ID + 1, woken by NOTIFY on new events
// with a polling fallback, ending with an `end` frame once a completed build's events are all sent.
// The connection then stays open until the client leaves, as Concourse's does. A slow reader slows
// the reads from Postgres: at most a read's worth of frames waits in memory for one connection.
import { BadRequestError } from '@jetbridge/api-types';
import { channels } from '@jetbridge/db';
import type { WebContext } from '../context.ts';
import { endFrame, eventFrame, type StoredEvent } from './sse-frames.ts';

const POLL_MS = 1000;
// Events per read; a log event holds at most 256 KiB of output, so a read stays a few tens of MiB.
const BATCH = 100;
// Bytes of frames queued for the client beyond which no more events are read.
const QUEUED_BYTES = 1024 * 1024;
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
  // Resolves a pump waiting for the client to take queued frames.
  let pulled: (() => void) | null = null;
  const stop = () => {
    closed = true;
    wake?.();
    pulled?.();
  };
  signal?.addEventListener('abort', stop);
  const unsubscribe = ctx.wakeups.on(channels.buildEvents, (payload) => {
    if (payload === '' || payload === String(buildId)) wake?.();
  });
  const unsubscribeRecent = ctx.recentEvents.subscribe(buildId, () => wake?.());

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

  // Events this replica has just stored are sent as it holds them; the rest come from Postgres.
  const readEvents = async (from: number) =>
    ctx.recentEvents.read(buildId, from, BATCH) ??
    (
      await ctx.pool.query<StoredEvent>(
        `SELECT event_id, type, version, data::text AS data FROM build_events
         WHERE build_id = $1 AND event_id >= $2 ORDER BY event_id LIMIT ${BATCH}`,
        [buildId, from],
      )
    ).rows;

  // Resolves once the client has room for more frames (or left).
  const roomForMore = (controller: ReadableStreamDefaultController<Uint8Array>) =>
    new Promise<void>((resolve) => {
      if (closed || (controller.desiredSize ?? 1) > 0) return resolve();
      pulled = () => {
        pulled = null;
        resolve();
      };
    });

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        void pump(controller);
      },
      pull() {
        pulled?.();
      },
      cancel() {
        stop();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: QUEUED_BYTES }),
  );

  async function pump(controller: ReadableStreamDefaultController<Uint8Array>) {
    let cursor = startAt;
    const send = (events: StoredEvent[]) => {
      for (const event of events) controller.enqueue(encoder.encode(eventFrame(event)));
      if (events.length > 0) cursor = events.at(-1)!.event_id + 1;
      return events.length;
    };
    try {
      while (!closed) {
        await roomForMore(controller);
        if (closed) break;
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
            await roomForMore(controller);
            sent = closed ? 0 : send(await readEvents(cursor));
          } while (sent > 0);
          if (closed) break;
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
      unsubscribeRecent();
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
      data: JSON.stringify({
        message: 'the build was deleted with its pipeline or team',
        origin: {},
        time,
      }),
    },
    {
      event_id: firstId + 1,
      type: 'status',
      version: '1.0',
      data: JSON.stringify({ status: 'aborted', time }),
    },
  ];
}
