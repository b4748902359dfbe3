// The reaper: the synthetic worker row, garbage collection of step pods, of the artifact store
// (through the artifact service) and of old build logs.
export { startReaper } from './reaper.ts';
export type { Reaper } from './reaper.ts';
export type { ReaperSettings, SweepReport } from './settings.ts';
export type { ArtifactCollection } from './gc/artifact-collection.ts';
export type { RetentionBounds } from './logs/retention.ts';
export { baseResourceTypes } from './worker/worker-row.ts';
export { leaderLockName } from './leader/leadership.ts';
