// JetBridge's implementation of concourse/time-resource.
export { runCheck, runIn, runOut, CommandError } from './commands.ts';
export { checkVersions, currentWindow } from './check.ts';
export { decodeSource } from './source.ts';
export { parseGoDuration, formatGoDuration } from './go-duration.ts';
