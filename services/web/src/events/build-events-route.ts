// GET /api/v1/builds/:build_id/events.
import type { ApiRequest } from '../api/route-table.ts';
import { firstEventId, streamBuildEvents } from './build-event-stream.ts';

export async function buildEvents(req: ApiRequest): Promise<Response> {
  const startAt = firstEventId(req.request.headers.get('last-event-id'));
  return streamBuildEvents(req.ctx, req.build!.id, startAt, req.request.signal);
}
