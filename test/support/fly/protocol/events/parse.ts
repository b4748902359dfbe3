// Build-event envelopes as go-concourse decodes them: only SSE names `event` and `end`, known
// event types, and a version whose major part matches a version fly knows.
import type { SseEvent } from './sse.ts';

/** The versions fly registers per event type (current and deprecated). */
const KNOWN_VERSIONS: Record<string, string[]> = {
  status: ['1.0'],
  log: ['1.0', '2.0', '3.0', '4.0', '5.1'],
  error: ['1.0', '2.0', '3.0', '4.1'],
  'selected-worker': ['1.0'],
  'waiting-for-worker': ['1.0'],
  'streaming-volume': ['1.0'],
  'waiting-for-streamed-volume': ['1.0'],
  'initialize-task': ['1.0', '2.0', '3.0', '4.0'],
  'start-task': ['1.0', '2.0', '3.0', '4.0', '5.0'],
  'finish-task': ['1.0', '2.0', '3.0', '4.0'],
  'initialize-get': ['1.0', '2.0'],
  'start-get': ['1.0'],
  'finish-get': ['1.0', '2.0', '3.0', '4.0', '5.1'],
  'initialize-put': ['1.0', '2.0'],
  'start-put': ['1.0'],
  'finish-put': ['1.0', '2.0', '3.0', '4.0', '5.1'],
  'initialize-check': ['1.0'],
  initialize: ['1.0', '2.0'],
  start: ['1.0', '2.0'],
  finish: ['1.0', '2.0'],
  input: ['1.0', '2.0'],
  output: ['1.0', '2.0'],
  'set-pipeline-changed': ['1.0'],
  'image-check': ['1.1'],
  'image-get': ['1.1'],
  'across-substeps': ['1.0'],
};

export interface BuildEvent {
  type: string;
  version: string;
  data: Record<string, unknown>;
}

/** An error fly reports as `failed to parse next event: ...`. */
export class EventParseError extends Error {
  /** Unknown type or version: the errors `--ignore-event-parsing-errors` skips. */
  readonly skippable: boolean;
  constructor(message: string, skippable = false) {
    super(message);
    this.skippable = skippable;
  }
}

/** The Go client dereferences a missing `data`: the real fly crashes with a nil pointer panic. */
export class GoPanic extends Error {}

function major(version: string): string {
  return version.split('.')[0] ?? '';
}

/** Turns one SSE event into a build event, or null for the `end` frame. */
export function parseBuildEvent(sse: SseEvent): BuildEvent | null {
  if (sse.name === 'end') return null;
  if (sse.name !== 'event') throw new EventParseError(`unknown event name: ${sse.name}`);

  let envelope: { data?: unknown; event?: unknown; version?: unknown };
  try {
    envelope = JSON.parse(sse.data) as typeof envelope;
  } catch (err) {
    throw new EventParseError((err as Error).message);
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    throw new EventParseError('json: cannot unmarshal into Go value of type event.Envelope');
  }
  if (envelope.data === undefined || envelope.data === null) {
    throw new GoPanic('runtime error: invalid memory address or nil pointer dereference');
  }

  const type = typeof envelope.event === 'string' ? envelope.event : '';
  const version = typeof envelope.version === 'string' ? envelope.version : '';
  const known = KNOWN_VERSIONS[type];
  if (known === undefined) throw new EventParseError(`unknown event type: ${type}`, true);
  if (!known.some((v) => major(v) === major(version))) {
    throw new EventParseError(
      `unknown event version: ${type} version ${version} (supported versions: ${known.join(', ')})`,
      true,
    );
  }
  if (typeof envelope.data !== 'object' || Array.isArray(envelope.data)) {
    throw new EventParseError(`json: cannot unmarshal ${typeof envelope.data} into Go value`);
  }
  return { type, version, data: envelope.data as Record<string, unknown> };
}
