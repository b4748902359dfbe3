// Garbage collection of task cache directories on the cache claim (`caches/<key>`, the subPath the
// pod-executor mounts). A directory stays while task_caches records its key (a job's cache) or a
// step of a running build was given it (one-off builds, and caches cleared while a build runs);
// everything else is removed, by the same name it was created under.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pool } from '@jetbridge/db';
import { dnsLabelPart } from '@jetbridge/k8s';

export interface CacheGcReport {
  removed: string[];
}

async function referencedDirs(pool: Pool): Promise<Set<string>> {
  const found = await pool.query<{ key: string }>(
    `SELECT store_key AS key FROM task_caches
     UNION
     SELECT c->>'key' AS key
       FROM build_steps s
       JOIN builds b ON b.id = s.build_id AND b.status IN ('pending', 'started')
       CROSS JOIN LATERAL jsonb_array_elements(
         CASE WHEN jsonb_typeof(s.result->'job'->'caches') = 'array'
              THEN s.result->'job'->'caches' ELSE '[]'::jsonb END) c`,
  );
  return new Set(found.rows.map((r) => dnsLabelPart(r.key) || 'cache'));
}

/** Removes the cache directories under `<cacheDir>/caches` that nothing references. */
export async function collectCaches(
  cacheDir: string,
  pool: Pool,
  graceMs: number,
  now = Date.now(),
): Promise<CacheGcReport> {
  const root = join(cacheDir, 'caches');
  // Listed before the references are read: a directory made after this listing is not considered.
  const names = await readdir(root).catch(() => [] as string[]);
  const referenced = await referencedDirs(pool);
  const removed: string[] = [];
  for (const name of names) {
    if (referenced.has(name)) continue;
    const info = await stat(join(root, name)).catch(() => null);
    if (!info || now - info.mtimeMs < graceMs) continue;
    await rm(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return { removed };
}
