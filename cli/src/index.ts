export { buildProgram, main } from './main.ts';
export { parseDuration } from './durations.ts';
export { reaperSettings } from './runtime.ts';
