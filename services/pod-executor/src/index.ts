export { startPodExecutor } from './executor.ts';
export type { PodExecutorOptions } from './executor.ts';
export type { PodExecutorSettings } from './settings.ts';
