// Concourse's components (`GET /api/v1/components`): the web's periodic loops, each with its
// interval and when it last ran, as the loops record them.
import type { Pool } from '@jetbridge/db';

/** Concourse's component names for what JetBridge's loops do. */
export const componentNames = {
  /** Decides which job builds to create and start. */
  scheduler: 'scheduler',
  /** Starts the checks that are due or requested (Concourse's lidar scanner). */
  scanner: 'scanner',
} as const;

export interface ComponentRow {
  name: string;
  interval_ms: number;
  last_ran: Date | null;
  paused: boolean;
}

/** A loop that runs on every wakeup records its runs at most this often. */
const RECORD_EVERY_MS = 1000;

/**
 * Returns what a loop calls after each run to record that `name` ran; `intervalMs` is the longest
 * the loop waits between two runs. Runs closer together than a second are recorded once.
 */
export function componentRecorder(pool: Pool, name: string, intervalMs: number) {
  let recordedAt = 0;
  return async (): Promise<void> => {
    if (Date.now() - recordedAt < RECORD_EVERY_MS) return;
    recordedAt = Date.now();
    await pool.query(
      `INSERT INTO components (name, interval_ms, last_ran) VALUES ($1, $2, now())
       ON CONFLICT (name) DO UPDATE SET interval_ms = EXCLUDED.interval_ms, last_ran = now()`,
      [name, intervalMs],
    );
  };
}

export async function listComponents(pool: Pool): Promise<ComponentRow[]> {
  const found = await pool.query<ComponentRow>(
    'SELECT name, interval_ms, last_ran, paused FROM components ORDER BY name',
  );
  return found.rows;
}
