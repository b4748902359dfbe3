// In-memory objects with one resource-version counter and a bounded history that watches replay.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { alreadyExists, notFound, StatusError } from '../server/status-error.ts';
import type { KubeObject, StoredEvent, WatchEventType } from './types.ts';

const historyLimit = 5000;

function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class ObjectStore {
  #resourceVersion = 1000;
  #objects = new Map<string, Map<string, KubeObject>>();
  #history: StoredEvent[] = [];
  #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  get resourceVersion(): string {
    return String(this.#resourceVersion);
  }

  #table(resource: string): Map<string, KubeObject> {
    let table = this.#objects.get(resource);
    if (!table) {
      table = new Map();
      this.#objects.set(resource, table);
    }
    return table;
  }

  #record(type: WatchEventType, resource: string, object: KubeObject, previous?: KubeObject): void {
    const event: StoredEvent = {
      type,
      resource,
      resourceVersion: this.#resourceVersion,
      object,
      previous,
    };
    this.#history.push(event);
    if (this.#history.length > historyLimit) this.#history.shift();
    this.#emitter.emit('event', event);
  }

  create(resource: string, input: KubeObject): KubeObject {
    const table = this.#table(resource);
    const key = keyOf(input.metadata.namespace, input.metadata.name);
    if (table.has(key)) throw alreadyExists(resource, input.metadata.name);

    this.#resourceVersion++;
    const object = structuredClone(input);
    object.metadata.uid = randomUUID();
    object.metadata.resourceVersion = String(this.#resourceVersion);
    object.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    table.set(key, object);
    this.#record('ADDED', resource, object);
    return structuredClone(object);
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject {
    const object = this.#table(resource).get(keyOf(namespace, name));
    if (!object) throw notFound(resource, name);
    return structuredClone(object);
  }

  find(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const object = this.#table(resource).get(keyOf(namespace, name));
    return object && structuredClone(object);
  }

  /** The stored object itself, under the same terms as `select`: read at once, never changed. */
  peek(
    resource: string,
    namespace: string | undefined,
    name: string,
  ): Readonly<KubeObject> | undefined {
    return this.#table(resource).get(keyOf(namespace, name));
  }

  /** Copies of the objects in `namespace` (all when undefined) that `matches` accepts. */
  list(
    resource: string,
    namespace?: string,
    matches: (object: KubeObject) => boolean = () => true,
  ): KubeObject[] {
    return this.select(resource, namespace, matches).map((o) => structuredClone(o));
  }

  /**
   * The stored objects themselves, in one pass over the table, for a caller that serialises them
   * at once: copying thousands of pods per request is what made large lists slow. The caller
   * must neither change them nor keep them past the current tick.
   */
  select(
    resource: string,
    namespace: string | undefined,
    matches: (object: KubeObject) => boolean,
  ): readonly KubeObject[] {
    const items: KubeObject[] = [];
    for (const object of this.#table(resource).values()) {
      if (namespace !== undefined && object.metadata.namespace !== namespace) continue;
      if (matches(object)) items.push(object);
    }
    return items;
  }

  update(
    resource: string,
    namespace: string | undefined,
    name: string,
    mutate: (object: KubeObject) => void,
  ): KubeObject {
    const table = this.#table(resource);
    const key = keyOf(namespace, name);
    const previous = table.get(key);
    if (!previous) throw notFound(resource, name);

    const object = structuredClone(previous);
    mutate(object);
    this.#resourceVersion++;
    object.metadata.resourceVersion = String(this.#resourceVersion);
    table.set(key, object);
    this.#record('MODIFIED', resource, object, previous);
    return structuredClone(object);
  }

  remove(resource: string, namespace: string | undefined, name: string): KubeObject {
    const table = this.#table(resource);
    const key = keyOf(namespace, name);
    const previous = table.get(key);
    if (!previous) throw notFound(resource, name);

    table.delete(key);
    this.#resourceVersion++;
    // Stored objects are never changed in place, so the event may share all but the metadata.
    const object: KubeObject = {
      ...previous,
      metadata: { ...previous.metadata, resourceVersion: String(this.#resourceVersion) },
    };
    this.#record('DELETED', resource, object, previous);
    return structuredClone(object);
  }

  // Events after `fromVersion`, then live ones through `listener`; throws Gone when history no
  // longer reaches back that far.
  subscribe(
    fromVersion: number,
    listener: (event: StoredEvent) => void,
  ): { replay: StoredEvent[]; unsubscribe: () => void } {
    const oldest = this.#history[0]?.resourceVersion ?? this.#resourceVersion + 1;
    if (fromVersion < oldest - 1) {
      throw new StatusError('Expired', `too old resource version: ${fromVersion} (${oldest - 1})`);
    }
    const replay = this.#history.filter((e) => e.resourceVersion > fromVersion);
    const handler = (event: StoredEvent): void => listener(event);
    this.#emitter.on('event', handler);
    return { replay, unsubscribe: () => this.#emitter.off('event', handler) };
  }
}
