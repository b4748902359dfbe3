// What the reaper is configured with and what one sweep reports.
import type { RetentionBounds } from './logs/retention.ts';

export interface ReaperSettings {
  namespace: string;
  /** null uses the in-cluster service account */
  kubeconfigPath: string | null;
  gcIntervalMs: number;
  /** how often the worker row is refreshed (15 s in production) */
  heartbeatIntervalMs: number;
  /** how long the worker row stays valid without a heartbeat (30 s in production) */
  workerTtlMs: number;
  /** how long pods of a finished build are kept for `fly intercept` */
  interceptGraceMs: number;
  /** how long a container row may have no pod before it is removed; default 2 GC intervals */
  missingGraceMs?: number;
  /** operator defaults and maximums of build log retention; none by default */
  buildLogRetention?: RetentionBounds;
}

export interface SweepReport {
  /** false when another replica leads and this one did nothing */
  isLeader: boolean;
  listed: number;
  deleted: number;
  adopted: number;
  markedMissing: number;
  removedRows: number;
  apiCalls: number;
  queries: number;
  /** time spent listing pods, and deleting them */
  listMs: number;
  deleteMs: number;
}

export function emptyReport(isLeader: boolean): SweepReport {
  return {
    isLeader,
    listed: 0,
    deleted: 0,
    adopted: 0,
    markedMissing: 0,
    removedRows: 0,
    apiCalls: 0,
    queries: 0,
    listMs: 0,
    deleteMs: 0,
  };
}
