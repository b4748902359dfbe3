// Applies the step events the pod-executor publishes for one build: log bytes, lifecycle events
// and exit statuses go to Postgres together with the bus cursor, so a replica that takes over
// resumes exactly after the last applied event. Events that arrive while a transaction runs are
// applied together in the next one, and consecutive output of one stream becomes one log event:
// a step writing fast costs a transaction per batch, not one per event of its output.
import type { Bus, StepEvent, Stoppable } from '@jetbridge/bus';
import { inTransaction, type Pool, type PoolClient } from '@jetbridge/db';
import type { Logger } from '@jetbridge/telemetry';
import {
  appendSerializedBuildEvents,
  eventTime,
  logEvent,
  serializeBuildEvents,
  type BuildEvent,
  type SerializedBuildEvent,
} from '../../builds/index.ts';
import type { RecentBuildEvents } from '../../events/recent-build-events.ts';
import type { StepExit, StepResult, StepState } from '../steps/step-store.ts';
import { flushHeldOutput, storeOutputChunk } from './store-output.ts';

// Bytes of events held for the next transaction above which the bus waits (memory stays bounded
// however fast a step writes), and what one transaction takes at most.
const maxQueuedBytes = 8 * 1024 * 1024;
const maxBatchBytes = 4 * 1024 * 1024;
const maxBatchEvents = 256;
// Consecutive output of one stream is joined into log events of up to this size.
const maxLogEventBytes = 256 * 1024;

export const streamInterruptedWarning = 'warning: log stream interrupted\n';

export interface FollowerOptions {
  pool: Pool;
  bus: Bus;
  buildId: number;
  owner: string;
  cursor: number;
  logger: Logger;
  /** Where the stored events go too once committed, for this replica's event streams. */
  recent?: RecentBuildEvents;
  /** The follower cannot apply events any more (ownership lost, database down). */
  onFailure: (err: unknown) => void;
}

type Waiter = (exit: StepExit) => void;

interface Applied {
  exits: [string, StepExit][];
  stored?: { first: number; events: SerializedBuildEvent[] };
}

interface Queued {
  event: StepEvent;
  /** The bus cursor once this event is applied. */
  next: number;
  bytes: number;
}

interface StepRowState {
  state: StepState;
  result: StepResult;
}

function sizeOf(event: StepEvent): number {
  return event.kind === 'output' ? event.data.byteLength : 256;
}

// Joins each run of output events of the same step, handle and stream whose bytes follow on from
// each other into one event, up to `maxLogEventBytes`.
function joinOutput(queued: Queued[]): StepEvent[] {
  const joined: StepEvent[] = [];
  let run: Extract<StepEvent, { kind: 'output' }> | undefined;
  let parts: Uint8Array[] = [];
  let bytes = 0;
  const close = (): void => {
    if (!run) return;
    const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes);
    joined.push({ ...run, data });
    run = undefined;
    parts = [];
    bytes = 0;
  };
  for (const { event } of queued) {
    if (event.kind !== 'output') {
      close();
      joined.push(event);
      continue;
    }
    const continues =
      run !== undefined &&
      run.planId === event.planId &&
      run.handle === event.handle &&
      run.stream === event.stream &&
      run.offset + bytes === event.offset &&
      bytes + event.data.byteLength <= maxLogEventBytes;
    if (!continues) {
      close();
      run = event;
    }
    parts.push(event.data);
    bytes += event.data.byteLength;
  }
  close();
  return joined;
}

export class StepEventFollower {
  readonly #opts: FollowerOptions;
  readonly #waiters = new Map<string, Set<Waiter>>();
  #subscription: Stoppable | null = null;
  #failed = false;
  #queue: Queued[] = [];
  #queuedBytes = 0;
  #draining: Promise<void> | null = null;
  // Resolved whenever a batch is applied (or applying failed), for a bus waiting for room.
  #roomMade: PromiseWithResolvers<void> | null = null;

  constructor(opts: FollowerOptions) {
    this.#opts = opts;
  }

  start(): void {
    this.#subscription = this.#opts.bus.followStepEvents(
      this.#opts.buildId,
      this.#opts.cursor,
      (event, next) => this.#enqueue(event, next),
    );
  }

  async stop(): Promise<void> {
    await this.#subscription?.stop();
    this.#subscription = null;
    while (this.#draining) await this.#draining;
    this.#opts.recent?.forget(this.#opts.buildId);
  }

  /** Registers interest in the exit of `planId`; register before reading the stored state. */
  waitForExit(planId: string): { promise: Promise<StepExit>; dispose: () => void } {
    let waiter: Waiter = () => {};
    const promise = new Promise<StepExit>((resolve) => {
      waiter = resolve;
    });
    let set = this.#waiters.get(planId);
    if (!set) {
      set = new Set();
      this.#waiters.set(planId, set);
    }
    set.add(waiter);
    return { promise, dispose: () => set.delete(waiter) };
  }

  #resolve(planId: string, exit: StepExit): void {
    const set = this.#waiters.get(planId);
    if (!set) return;
    this.#waiters.delete(planId);
    for (const waiter of set) waiter(exit);
  }

  // Takes an event from the bus; the bus waits while too many bytes wait for the database.
  async #enqueue(event: StepEvent, next: number): Promise<void> {
    if (this.#failed) return;
    const bytes = sizeOf(event);
    this.#queue.push({ event, next, bytes });
    this.#queuedBytes += bytes;
    this.#draining ??= this.#drain();
    while (this.#queuedBytes > maxQueuedBytes && !this.#failed) {
      this.#roomMade ??= Promise.withResolvers<void>();
      await this.#roomMade.promise;
    }
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#failed) {
      let count = 0;
      let bytes = 0;
      while (
        count < this.#queue.length &&
        count < maxBatchEvents &&
        (count === 0 || bytes + this.#queue[count]!.bytes <= maxBatchBytes)
      ) {
        bytes += this.#queue[count]!.bytes;
        count++;
      }
      const batch = this.#queue.splice(0, count);
      try {
        const { exits, stored } = await this.#apply(batch);
        if (stored) this.#opts.recent?.add(this.#opts.buildId, stored.first, stored.events);
        this.#queuedBytes -= bytes;
        for (const [planId, exit] of exits) this.#resolve(planId, exit);
      } catch (err) {
        this.#failed = true;
        this.#queue = [];
        this.#queuedBytes = 0;
        this.#opts.onFailure(err);
      }
      this.#roomMade?.resolve();
      this.#roomMade = null;
    }
    this.#draining = null;
  }

  // Applies a batch in one transaction, skipping what an earlier owner already applied; returns the
  // exits of steps still running, to hand to their waiters once committed, and the events stored.
  async #apply(batch: Queued[]): Promise<Applied> {
    const { pool, buildId, owner } = this.#opts;
    return inTransaction(pool, async (client) => {
      const build = await client.query<{ events_cursor: string }>(
        'SELECT events_cursor FROM builds WHERE id = $1 AND owner = $2 FOR UPDATE',
        [buildId, owner],
      );
      if (build.rowCount === 0) throw new Error('build is no longer owned by this replica');
      const cursor = Number(build.rows[0]!.events_cursor);
      const fresh = batch.filter((q) => q.next > cursor);
      if (fresh.length === 0) return { exits: [] };
      await client.query('UPDATE builds SET events_cursor = $2 WHERE id = $1', [
        buildId,
        fresh.at(-1)!.next,
      ]);

      const steps = new Map<string, StepRowState | null>();
      const events: BuildEvent[] = [];
      const exits: [string, StepExit][] = [];
      for (const event of joinOutput(fresh)) {
        let row = steps.get(event.planId);
        if (row === undefined) {
          const found = await client.query<StepRowState>(
            `SELECT state, result FROM build_steps WHERE build_id = $1 AND plan_id = $2
             FOR UPDATE`,
            [buildId, event.planId],
          );
          row = found.rows[0]
            ? { state: found.rows[0].state, result: found.rows[0].result ?? {} }
            : null;
          steps.set(event.planId, row);
        }
        // Events of a container this step no longer runs (an earlier incarnation) are dropped.
        if (!row || row.result.job?.handle !== event.handle) continue;

        const translated = await this.#translate(client, event, row.result);
        events.push(...translated.events);
        if (translated.patch) {
          await client.query(
            `UPDATE build_steps SET result = COALESCE(result, '{}'::jsonb) || $3::jsonb,
               updated_at = now()
             WHERE build_id = $1 AND plan_id = $2`,
            [buildId, event.planId, JSON.stringify(translated.patch)],
          );
          row.result = { ...row.result, ...translated.patch };
        }
        if (translated.exit && row.state === 'running') exits.push([event.planId, translated.exit]);
      }
      if (events.length === 0) return { exits };
      const serialized = serializeBuildEvents(events);
      const first = await appendSerializedBuildEvents(client, buildId, serialized);
      return { exits, stored: { first, events: serialized } };
    });
  }

  async #translate(
    client: PoolClient,
    event: StepEvent,
    result: StepResult,
  ): Promise<{ events: BuildEvent[]; exit: StepExit | null; patch: StepResult | null }> {
    const origin = { id: event.planId };
    const time = eventTime(event.at);
    switch (event.kind) {
      case 'selected-worker':
        return {
          events: [
            {
              type: 'selected-worker',
              version: '1.0',
              data: { time, origin, selected_worker: event.worker },
            },
          ],
          exit: null,
          patch: null,
        };
      case 'started': {
        await client.query(`UPDATE containers SET state = 'created' WHERE handle = $1`, [
          event.handle,
        ]);
        if (result.started) return { events: [], exit: null, patch: null };
        const start = result.startEvent;
        const events = start ? [{ ...start, data: { ...start.data, time } }] : [];
        return { events, exit: null, patch: { started: true } };
      }
      case 'output': {
        const bytes = Buffer.from(event.data.buffer, event.data.byteOffset, event.data.byteLength);
        const stored = await storeOutputChunk(
          client,
          this.#opts.buildId,
          event.handle,
          event.stream,
          event.offset,
          bytes,
        );
        const events: BuildEvent[] = [];
        const origin = { id: event.planId, source: event.stream };
        if (stored.flushed !== null) events.push(logEvent(origin, stored.flushed, event.at));
        if (stored.gap)
          events.push(
            logEvent({ id: event.planId, source: 'stderr' }, streamInterruptedWarning, event.at),
          );
        if (stored.text !== null) events.push(logEvent(origin, stored.text, event.at));
        return { events, exit: null, patch: null };
      }
      case 'exited':
      case 'errored': {
        if (result.exit) return { events: [], exit: null, patch: null };
        const exit: StepExit =
          event.kind === 'exited'
            ? {
                exitStatus: event.exitStatus,
                ...(event.stdout !== undefined ? { stdout: event.stdout } : {}),
                ...(event.outputsArchived ? { outputsArchived: true } : {}),
              }
            : { error: event.message };
        await client.query('UPDATE containers SET finished_at = now() WHERE handle = $1', [
          event.handle,
        ]);
        // A character the process left unfinished will not be completed: its bytes go to the log.
        const held = await flushHeldOutput(client, this.#opts.buildId, event.handle);
        const events = held.map(({ stream, text }) =>
          logEvent({ id: event.planId, source: stream as 'stdout' | 'stderr' }, text, event.at),
        );
        return { events, exit, patch: { exit } };
      }
    }
  }
}
