// The artifact service: owns the artifact store claim. Other services find it over the bus
// (`locate`) and stream tars to and from it over HTTP; `collect`, which the reaper's leader sends
// once per GC interval, removes the tars and cache directories nothing references.
import { hostname } from 'node:os';
import {
  artifactCollect,
  artifactDelete,
  artifactLink,
  artifactLocate,
  type Bus,
} from '@jetbridge/bus';
import type { Pool } from '@jetbridge/db';
import type { Logger } from '@jetbridge/telemetry';
import type { Registry } from 'prom-client';
import { storeCollector } from './collect.ts';
import { defaultGcSettings, type ArtifactGcSettings } from './gc.ts';
import { createArtifactsApp, listen } from './http.ts';
import { ArtifactStore, checkKey } from './store.ts';

export { ArtifactStore } from './store.ts';
export { collectArtifacts, type ArtifactGcSettings, type ArtifactGcReport } from './gc.ts';
export { collectCaches } from './cache-gc.ts';
export type { CollectionReport } from './collect.ts';

export interface ArtifactsSettings {
  storeDir: string;
  bindPort: number;
  maxUploadBytes: number;
  /** The URL other services reach this replica at; defaults to http://<hostname>:<port>. */
  advertiseUrl?: string;
  /** The rules of collection; when it runs is the reaper's decision (`collect`). */
  gc?: Partial<ArtifactGcSettings>;
  /** Where the task cache claim is mounted, to remove cache directories nothing references. */
  cacheDir?: string;
}

export async function startArtifacts(opts: {
  settings: ArtifactsSettings;
  pool: Pool;
  bus: Bus;
  logger: Logger;
  registry: Registry;
}): Promise<{ stop(): Promise<void>; url: string }> {
  const { settings, bus, logger, registry } = opts;
  const store = new ArtifactStore(settings.storeDir, settings.maxUploadBytes);
  await store.init();
  const server = await listen(createArtifactsApp(store, registry), settings.bindPort);
  const url =
    settings.advertiseUrl ??
    `http://${opts.bus.transport.kind === 'memory' ? '127.0.0.1' : hostname()}:${server.port}`;
  const locate = bus.serve('artifacts', 'locate', artifactLocate, async () => ({
    v: 1 as const,
    url,
  }));
  const remove = bus.serve('artifacts', 'delete', artifactDelete, async ({ keys }) => {
    for (const key of keys) await store.delete(checkKey(key));
    logger.info({ count: keys.length }, 'artifacts-deleted');
    return { v: 1 as const, deleted: keys.length };
  });
  const link = bus.serve('artifacts', 'link', artifactLink, async ({ from, to }) => {
    try {
      await store.link(checkKey(from), checkKey(to));
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      const error = missing ? `artifact ${from} not found` : (err as Error).message;
      logger.warn({ from, to, err: error }, 'artifact-link-failed');
      return { v: 1 as const, ok: false as const, error };
    }
    logger.debug({ from, to }, 'artifact-linked');
    return { v: 1 as const, ok: true as const };
  });
  const collector = storeCollector({
    store,
    pool: opts.pool,
    logger,
    settings: { ...defaultGcSettings, ...settings.gc },
    cacheDir: settings.cacheDir,
  });
  const collection = bus.serve('artifacts', 'collect', artifactCollect, async () => {
    try {
      return { v: 1 as const, ok: true as const, ...(await collector.collect()) };
    } catch (err) {
      logger.warn({ err }, 'artifacts-gc-failed');
      return { v: 1 as const, ok: false as const, error: (err as Error).message };
    }
  });
  logger.info({ url, storeDir: settings.storeDir }, 'artifacts-listening');
  return {
    url,
    async stop() {
      await collection.stop();
      await collector.idle();
      await locate.stop();
      await remove.stop();
      await link.stop();
      await server.close();
    },
  };
}
