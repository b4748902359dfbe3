export { createPool, inTransaction, connectionConfig } from './pool.ts';
export type { Pool, PoolClient, PostgresSettings } from './pool.ts';
export { migrate, ensureDatabase } from './migrate.ts';
export { lockKey, tryAcquireSessionLock, withTryLock, HeldLock } from './locks.ts';
export { Wakeups, runOnWakeup } from './wakeups.ts';
export type { WakeLoopOptions } from './wakeups.ts';
export { channels } from './channels.ts';
export { createTestDatabase } from './test-database.ts';
export type { TestDatabase } from './test-database.ts';
