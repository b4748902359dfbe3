// One collection of everything the artifact service stores, run when the reaper's leader asks
// (`collect` on the bus): task cache directories, then tars. Requests that arrive while one runs
// share its result, so a slow store never piles collections up.
import type { Pool } from '@jetbridge/db';
import type { Logger } from '@jetbridge/telemetry';
import { collectCaches } from './cache-gc.ts';
import { collectArtifacts, type ArtifactGcSettings } from './gc.ts';
import type { ArtifactStore } from './store.ts';

export interface CollectionReport {
  deletedTars: number;
  expiredUploads: number;
  expiredResourceCaches: number;
  clearedIncoming: number;
  removedCacheDirs: number;
}

export function storeCollector(opts: {
  store: ArtifactStore;
  pool: Pool;
  logger: Logger;
  settings: ArtifactGcSettings;
  /** Where the task cache claim is mounted; without it cache directories are not collected. */
  cacheDir: string | undefined;
}): { collect(): Promise<CollectionReport>; idle(): Promise<void> } {
  const { store, pool, logger, settings, cacheDir } = opts;
  let running: Promise<CollectionReport> | null = null;

  const collect = async (): Promise<CollectionReport> => {
    const caches =
      cacheDir === undefined
        ? { removed: [] }
        : await collectCaches(cacheDir, pool, settings.graceMs);
    const tars = await collectArtifacts(store, pool, settings);
    const report = {
      deletedTars: tars.deleted.length,
      expiredUploads: tars.expiredUploads,
      expiredResourceCaches: tars.expiredResourceCaches,
      clearedIncoming: tars.clearedIncoming,
      removedCacheDirs: caches.removed.length,
    };
    const changed = Object.values(report).some((n) => n > 0);
    if (changed) logger.info(report, 'artifacts-collected');
    else logger.debug(report, 'artifacts-collected');
    return report;
  };

  return {
    collect() {
      running ??= collect().finally(() => {
        running = null;
      });
      return running;
    },
    async idle() {
      await running?.catch(() => {});
    },
  };
}
