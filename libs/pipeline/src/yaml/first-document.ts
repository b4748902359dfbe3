// go-yaml v2 reads only the first document of a stream: whatever follows it, even broken YAML,
// does not matter. js-yaml parses the whole stream, so the rest is cut off here.
import { EVENT_ID, parseEvents, YAMLException, type Event } from 'js-yaml';

/** Line starts of `---` and `...` markers, which always end the document before them. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;

/** The events of the first document only (none for an empty stream). */
function firstDocumentOf(events: Event[]): Event[] {
  let depth = 0;
  for (let i = 0; i < events.length; i++) {
    const type = events[i]!.type;
    if (type === EVENT_ID.POP) depth--;
    else if (type !== EVENT_ID.SCALAR && type !== EVENT_ID.ALIAS) depth++;
    if (depth === 0) return events.slice(0, i + 1);
  }
  return events;
}

/** The last document marker before `position`, where an earlier document must have ended. */
function lastMarkerBefore(text: string, position: number): number {
  let last = -1;
  for (const match of text.matchAll(DOCUMENT_MARKER)) {
    if (match.index >= position) break;
    last = match.index;
  }
  return last;
}

export function parseFirstDocument(text: string, maxDepth: number): Event[] {
  try {
    return firstDocumentOf(parseEvents(text, { maxDepth }));
  } catch (err) {
    // A syntax error after a marker may belong to a later document: parse up to that marker.
    const marker =
      err instanceof YAMLException ? lastMarkerBefore(text, err.mark?.position ?? 0) : -1;
    if (marker <= 0) throw err;
    let events: Event[];
    try {
      events = firstDocumentOf(parseEvents(text.slice(0, marker), { maxDepth }));
    } catch {
      throw err;
    }
    if (events.length === 0) throw err;
    return events;
  }
}
