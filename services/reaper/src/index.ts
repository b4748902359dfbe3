// The reaper: the synthetic worker row and garbage collection of step pods.
export { startReaper } from './reaper.ts';
export type { Reaper } from './reaper.ts';
export type { ReaperSettings, SweepReport } from './settings.ts';
export { baseResourceTypes } from './worker/worker-row.ts';
export { leaderLockName } from './leader/leadership.ts';
