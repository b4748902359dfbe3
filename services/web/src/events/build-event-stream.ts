// Streams a build's stored events as SSE: from Last-Event-ID + 1, woken by NOTIFY on new events
// with a polling fallback, ending with an `end` frame once a completed build's events are all sent.
// The connection then stays open until the client leaves, as Concourse's does. A slow reader slows
// the reads from Postgres: a connection holds at most one read (a few MiB of JSON) and a MiB of
// frames for its client.
import { BadRequestError } from '@jetbridge/api-types';
import { channels } from '@jetbridge/db';
import type { WebContext } from '../context.ts';
import { endFrame, eventFrame, type StoredEvent } from './sse-frames.ts';

const POLL_MS = 1000;
// Events per read from Postgres, and the JSON bytes past which a read stops (a log event's JSON can
// be several times its 256 KiB of output when the output is mostly escapes).
const READ_EVENTS = 100;
const READ_BYTES = 4 * 1024 * 1024;
// Bytes of frames queued for the client beyond which no more frames are made.
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
  // Set by every wakeup, so one that comes while events are being sent is not slept through.
  let woken = false;
  const poke = () => {
    woken = true;
    wake?.();
  };
  const unsubscribe = ctx.wakeups.on(channels.buildEvents, (payload) => {
    if (payload === '' || payload === String(buildId)) poke();
  });
  const unsubscribeRecent = ctx.recentEvents.subscribe(buildId, poke);

  const waitForWakeup = (ms: number | null) =>
    new Promise<void>((resolve) => {
      if (closed || woken) return resolve();
      const timer = ms === null ? null : setTimeout(() => done(), ms);
      const done = () => {
        if (timer) clearTimeout(timer);
        wake = null;
        resolve();
      };
      wake = done;
    });

  // Events this replica has just stored are sent as it holds them; the rest come from Postgres, as
  // many as fit in READ_BYTES (at least one), counted from the sizes stored beside them.
  const readEvents = async (from: number) =>
    ctx.recentEvents.read(buildId, from, READ_EVENTS) ??
    (
      await ctx.pool.query<StoredEvent>(
        `SELECT e.event_id, e.type, e.version, e.data::text AS data
         FROM (SELECT event_id,
                 sum(COALESCE(data_bytes, 0)) OVER (ORDER BY event_id) - COALESCE(data_bytes, 0)
                   AS before
               FROM build_events WHERE build_id = $1 AND event_id >= $2
               ORDER BY event_id LIMIT ${READ_EVENTS}) w
         JOIN build_events e ON e.build_id = $1 AND e.event_id = w.event_id
         WHERE w.before < $3
         ORDER BY e.event_id`,
        [buildId, from, READ_BYTES],
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
    // One frame at a time, each once the client has room for it.
    const send = async (events: StoredEvent[]) => {
      for (const event of events) {
        await roomForMore(controller);
        if (closed) return;
        controller.enqueue(encoder.encode(eventFrame(event)));
        cursor = event.event_id + 1;
      }
    };
    // Everything stored so far.
    const sendStored = async () => {
      woken = false;
      for (let events = await readEvents(cursor); !closed; events = await readEvents(cursor)) {
        if (events.length === 0) return;
        await send(events);
      }
    };
    try {
      while (!closed) {
        await sendStored();
        if (closed) break;
        const status = await ctx.pool.query<{ status: string }>(
          'SELECT status FROM builds WHERE id = $1',
          [buildId],
        );
        const row = status.rows[0];
        if (!row || TERMINAL.has(row.status)) {
          // The final status event commits with the status, so one more pass sees everything.
          await sendStored();
          // A build deleted with its pipeline or team while it ran has no final status: say so,
          // so fly reports it instead of ending as if the build had succeeded.
          if (!row) await send(deletedBuildEvents(cursor));
          if (closed) break;
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
    while (!closed) {
      woken = false;
      await waitForWakeup(null);
    }
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
