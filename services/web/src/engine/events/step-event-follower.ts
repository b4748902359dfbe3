// Applies the step events the pod-executor publishes for one build: log bytes, lifecycle events
// and exit statuses go to Postgres together with the bus cursor, in one transaction per event, so
// a replica that takes over resumes exactly after the last applied event.
import type { Bus, StepEvent, Stoppable } from '@jetbridge/bus';
import { inTransaction, type Pool, type PoolClient } from '@jetbridge/db';
import type { Logger } from '@jetbridge/telemetry';
import { appendBuildEvents, eventTime, logEvent, type BuildEvent } from '../../builds/index.ts';
import type { StepExit, StepResult, StepState } from '../steps/step-store.ts';
import { storeOutputChunk } from './store-output.ts';

export const streamInterruptedWarning = 'warning: log stream interrupted\n';

export interface FollowerOptions {
  pool: Pool;
  bus: Bus;
  buildId: number;
  owner: string;
  cursor: number;
  logger: Logger;
  /** The follower cannot apply events any more (ownership lost, database down). */
  onFailure: (err: unknown) => void;
}

type Waiter = (exit: StepExit) => void;

export class StepEventFollower {
  readonly #opts: FollowerOptions;
  readonly #waiters = new Map<string, Set<Waiter>>();
  #subscription: Stoppable | null = null;
  #failed = false;

  constructor(opts: FollowerOptions) {
    this.#opts = opts;
  }

  start(): void {
    this.#subscription = this.#opts.bus.followStepEvents(
      this.#opts.buildId,
      this.#opts.cursor,
      async (event, next) => {
        if (this.#failed) return;
        try {
          const exit = await this.#apply(event, next);
          if (exit) this.#resolve(event.planId, exit);
        } catch (err) {
          this.#failed = true;
          this.#opts.onFailure(err);
        }
      },
    );
  }

  async stop(): Promise<void> {
    await this.#subscription?.stop();
    this.#subscription = null;
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

  async #apply(event: StepEvent, next: number): Promise<StepExit | null> {
    const { pool, buildId, owner } = this.#opts;
    return inTransaction(pool, async (client) => {
      const advanced = await client.query(
        `UPDATE builds SET events_cursor = $2
         WHERE id = $1 AND owner = $3 AND events_cursor < $2`,
        [buildId, next, owner],
      );
      if (advanced.rowCount === 0) {
        const still = await client.query('SELECT 1 FROM builds WHERE id = $1 AND owner = $2', [
          buildId,
          owner,
        ]);
        if (still.rowCount === 0) throw new Error('build is no longer owned by this replica');
        return null;
      }

      const step = await client.query<{ state: StepState; result: StepResult | null }>(
        'SELECT state, result FROM build_steps WHERE build_id = $1 AND plan_id = $2 FOR UPDATE',
        [buildId, event.planId],
      );
      const row = step.rows[0];
      const result = row?.result ?? {};
      // Events of a container this step no longer runs (an earlier incarnation) are dropped.
      if (!row || result.job?.handle !== event.handle) return null;

      const { events, exit, patch } = await this.#translate(client, event, result);
      if (events.length > 0) await appendBuildEvents(client, buildId, events);
      if (patch) {
        await client.query(
          `UPDATE build_steps SET result = COALESCE(result, '{}'::jsonb) || $3::jsonb,
             updated_at = now()
           WHERE build_id = $1 AND plan_id = $2`,
          [buildId, event.planId, JSON.stringify(patch)],
        );
      }
      return row.state === 'running' ? exit : null;
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
        if (stored.gap)
          events.push(
            logEvent({ id: event.planId, source: 'stderr' }, streamInterruptedWarning, event.at),
          );
        if (stored.fresh && stored.fresh.length > 0) {
          events.push(
            logEvent(
              { id: event.planId, source: event.stream },
              stored.fresh.toString('utf8'),
              event.at,
            ),
          );
        }
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
        return { events: [], exit, patch: { exit } };
      }
    }
  }
}
