// GET /api/v1/components: the web's periodic loops with their interval (nanoseconds, Go's
// time.Duration) and when one last ran (RFC 3339), as atc.Component.
import { listComponents } from '../components/index.ts';
import { json } from './respond.ts';
import type { ApiRequest } from './route-table.ts';

/** Go's zero time, what Concourse shows for a component that never ran. */
const NEVER = '0001-01-01T00:00:00Z';

export async function getComponents(req: ApiRequest): Promise<Response> {
  const rows = await listComponents(req.ctx.pool);
  return json(
    200,
    rows.map((c) => ({
      name: c.name,
      interval: c.interval_ms * 1_000_000,
      last_ran: c.last_ran ? c.last_ran.toISOString() : NEVER,
      paused: c.paused,
    })),
  );
}
