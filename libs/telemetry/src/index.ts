export { createLogger, silentLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { createRegistry, serveMetrics } from './metrics.ts';
export { startTracing, stopTracing, tracer } from './tracing.ts';
