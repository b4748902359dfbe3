// The newest events of the builds this replica stores step output for, kept as their stored JSON
// text, so an event stream served by the same replica sends a live log without reading back from
// Postgres what was just written there. Events enter only once committed, and a build's held events
// are one run of consecutive ids: a stream asks for the ids it needs next and reads from Postgres
// whatever is not held, so a miss costs a query, never an event.
import type { StoredEvent } from './sse-frames.ts';

export interface RecentEventLimits {
  /** JSON bytes held per build; the oldest go first. */
  perBuild: number;
  /** JSON bytes held for all builds; the build added to least recently goes first. */
  total: number;
}

interface Held {
  events: StoredEvent[];
  /** Index of the first held event in `events` (dropping from the front does not copy). */
  head: number;
  bytes: number;
}

type Listener = () => void;

export class RecentBuildEvents {
  readonly #limits: RecentEventLimits;
  readonly #builds = new Map<number, Held>();
  readonly #listeners = new Map<number, Set<Listener>>();
  #bytes = 0;

  constructor(limits: RecentEventLimits = { perBuild: 8 * 1024 * 1024, total: 64 * 1024 * 1024 }) {
    this.#limits = limits;
  }

  /** Bytes held for all builds. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Adds committed events with ids from `firstId`; a gap before them drops what was held. */
  add(buildId: number, firstId: number, events: { type: string; version: string; data: string }[]) {
    if (events.length === 0) return;
    let held = this.#builds.get(buildId);
    if (held && this.#end(held) !== firstId) {
      this.forget(buildId);
      held = undefined;
    }
    held ??= { events: [], head: 0, bytes: 0 };
    // Most recently added last, so the first entry is the one to evict.
    this.#builds.delete(buildId);
    this.#builds.set(buildId, held);
    for (const [i, event] of events.entries()) {
      held.events.push({ event_id: firstId + i, ...event });
      held.bytes += event.data.length;
      this.#bytes += event.data.length;
    }
    while (held.bytes > this.#limits.perBuild && held.head < held.events.length)
      this.#dropOldest(held);
    if (held.head > 1024 && held.head * 2 > held.events.length) {
      held.events = held.events.slice(held.head);
      held.head = 0;
    }
    for (const [id] of this.#builds) {
      if (this.#bytes <= this.#limits.total || id === buildId) break;
      this.forget(id);
    }
    for (const listener of this.#listeners.get(buildId) ?? []) listener();
  }

  /**
   * Up to `max` events from id `from` on, when the event with that id is held; null when it is
   * not (older than what is held, not added yet, or stored by another replica).
   */
  read(buildId: number, from: number, max: number): StoredEvent[] | null {
    const held = this.#builds.get(buildId);
    if (!held || held.head === held.events.length) return null;
    const start = held.head + (from - held.events[held.head]!.event_id);
    if (start < held.head || start >= held.events.length) return null;
    return held.events.slice(start, start + max);
  }

  forget(buildId: number): void {
    const held = this.#builds.get(buildId);
    if (!held) return;
    this.#bytes -= held.bytes;
    this.#builds.delete(buildId);
  }

  /** Calls `listener` after events of the build are added; returns the unsubscribe. */
  subscribe(buildId: number, listener: Listener): () => void {
    let set = this.#listeners.get(buildId);
    if (!set) this.#listeners.set(buildId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(buildId);
    };
  }

  #end(held: Held): number {
    const last = held.events.at(-1);
    return last === undefined ? 0 : last.event_id + 1;
  }

  #dropOldest(held: Held): void {
    const dropped = held.events[held.head]!;
    held.events[held.head] = undefined as unknown as StoredEvent;
    held.head += 1;
    held.bytes -= dropped.data.length;
    this.#bytes -= dropped.data.length;
  }
}
