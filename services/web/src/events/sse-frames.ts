// Server-sent event framing as Concourse's event stream writes it.
export interface StoredEvent {
  event_id: number;
  type: string;
  version: string;
  /** The event's data as the JSON text stored for it: framed as it is, never parsed. */
  data: string;
}

export function eventFrame(event: StoredEvent): string {
  // The envelope {data, event, version, event_id} in that order, with the stored JSON spliced in:
  // a log event can carry a MiB of output, which parsing and stringifying again would cost twice.
  // Stored JSON holds no raw line break (JSON escapes them), so the frame stays one data line.
  return (
    `id: ${event.event_id}\nevent: event\ndata: {"data":${event.data},` +
    `"event":${JSON.stringify(event.type)},"version":${JSON.stringify(event.version)},` +
    `"event_id":"${event.event_id}"}\n\n`
  );
}

/** The frame after a completed build's last event; the bare `data` line keeps readers from dropping it. */
export function endFrame(id: number): string {
  return `id: ${id}\nevent: end\ndata\n\n`;
}
