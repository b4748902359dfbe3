// Server-sent event framing as Concourse's event stream writes it.
export interface StoredEvent {
  event_id: number;
  type: string;
  version: string;
  data: unknown;
}

export function eventFrame(event: StoredEvent): string {
  const envelope = {
    data: event.data,
    event: event.type,
    version: event.version,
    event_id: String(event.event_id),
  };
  return `id: ${event.event_id}\nevent: event\ndata: ${JSON.stringify(envelope)}\n\n`;
}

/** The frame after a completed build's last event; the bare `data` line keeps readers from dropping it. */
export function endFrame(id: number): string {
  return `id: ${id}\nevent: end\ndata\n\n`;
}
