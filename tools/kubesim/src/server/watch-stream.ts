// Streams watch events as JSON lines, replaying history after a resource version first.
import type { ServerResponse } from 'node:http';
import type { ObjectStore } from '../store/object-store.ts';
import type { KubeObject, StoredEvent } from '../store/types.ts';
import { StatusError, badRequest } from './status-error.ts';

export interface WatchQuery {
  resource: string;
  namespace: string | undefined;
  matches: (object: KubeObject) => boolean;
  resourceVersion: string | null;
  timeoutSeconds: number | undefined;
  // how an object is sent, e.g. as a one-row Table for kubectl get -w
  render?: (object: KubeObject) => unknown;
}

function inScope(query: WatchQuery, object: KubeObject): boolean {
  return query.namespace === undefined || object.metadata.namespace === query.namespace;
}

// What a watcher with a selector sees: objects entering or leaving the selection are ADDED/DELETED.
function translate(
  query: WatchQuery,
  event: StoredEvent,
): { type: string; object: KubeObject } | undefined {
  if (event.resource !== query.resource || !inScope(query, event.object)) return undefined;
  const isMatch = query.matches(event.object);
  const wasMatch = event.previous !== undefined && query.matches(event.previous);
  if (event.type === 'ADDED') return isMatch ? { type: 'ADDED', object: event.object } : undefined;
  if (event.type === 'DELETED')
    return wasMatch ? { type: 'DELETED', object: event.object } : undefined;
  if (isMatch && wasMatch) return { type: 'MODIFIED', object: event.object };
  if (isMatch) return { type: 'ADDED', object: event.object };
  if (wasMatch) return { type: 'DELETED', object: event.object };
  return undefined;
}

export function streamWatch(res: ServerResponse, store: ObjectStore, query: WatchQuery): void {
  const rv = query.resourceVersion;
  const isFromNow = rv === null || rv === '' || rv === '0';
  const fromVersion = isFromNow ? Number(store.resourceVersion) : Number(rv);
  if (!Number.isInteger(fromVersion)) throw badRequest(`invalid resource version "${rv}"`);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  const write = (type: string, object: unknown): void => {
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const writeObject = (type: string, object: KubeObject): void =>
    write(type, query.render ? query.render(object) : object);

  let subscription: ReturnType<ObjectStore['subscribe']>;
  try {
    subscription = store.subscribe(fromVersion, (event) => {
      const out = translate(query, event);
      if (out) writeObject(out.type, out.object);
    });
  } catch (error) {
    if (!(error instanceof StatusError)) throw error;
    write('ERROR', error.toStatus());
    res.end();
    return;
  }

  if (isFromNow) {
    for (const object of store.select(query.resource, query.namespace, query.matches)) {
      writeObject('ADDED', object);
    }
  }
  for (const event of subscription.replay) {
    const out = translate(query, event);
    if (out) writeObject(out.type, out.object);
  }

  const timer =
    query.timeoutSeconds !== undefined
      ? setTimeout(() => res.end(), query.timeoutSeconds * 1000)
      : undefined;
  const stop = (): void => {
    clearTimeout(timer);
    subscription.unsubscribe();
  };
  res.on('close', stop);
}
