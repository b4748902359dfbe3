// The build store: every service part that writes builds or their events goes through here.
export {
  appendBuildEvents,
  appendSerializedBuildEvents,
  serializeBuildEvents,
  BuildNotFoundError,
} from './append-build-events.ts';
export type { SerializedBuildEvent } from './append-build-events.ts';
export { startBuild } from './start-build.ts';
export { finishBuild } from './finish-build.ts';
export { createOneOffBuild, createCheckBuild } from './create-one-off-build.ts';
export type { CreatedBuild, OneOffBuildSpec, CheckBuildSpec } from './create-one-off-build.ts';
export { statusEvent, logEvent, errorEvent, eventTime } from './build-event.ts';
export type { BuildEvent, BuildStatus, FinalBuildStatus, EventOrigin } from './build-event.ts';
