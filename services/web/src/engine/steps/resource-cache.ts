// Resource caches, as Concourse keeps them: the files a get fetched, reused by a later get of the
// same version with the same config (type, image, source, params) instead of running `in` again.
// The files are a tar in the artifact store under `rc-<digest>`: with the artifact claim a hard
// link of the tar the executor archived, without it the fetched directory tarred out of the pod.
// A row in resource_caches is written only once its tar is stored.
// Gets of the same uncached version that start together fetch it once (resource-cache-fetch.ts).
import { createHash } from 'node:crypto';
import { archivedOutputKey, archiveOutput, artifactLink, artifactLocate } from '@jetbridge/bus';
import type { StepJobInput } from '@jetbridge/bus';
import type { BuildRun } from '../plan/run-context.ts';
import type { StepImage } from './images.ts';
import type { ResourceMetadata, ResourceVersion } from './resource-output.ts';

export interface ResourceCacheIdentity {
  type: string;
  image: StepImage;
  source: Record<string, unknown> | null | undefined;
  params: Record<string, unknown> | null | undefined;
  version: ResourceVersion;
}

export interface ResourceCache {
  key: string;
  version: ResourceVersion;
  metadata: ResourceMetadata;
}

/** Where the tar to keep comes from: the get's job and how its output was handed on. */
export interface FetchedOutput {
  job: StepJobInput;
  name: string;
  path: string;
  archivedOnClaim: boolean;
}

/** Archiving streams the whole fetched tree out of the pod; the bound is generous. */
const archiveTimeoutMs = 60 * 60 * 1000;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
}

function emptyAsNull(value: Record<string, unknown> | null | undefined) {
  return value && Object.keys(value).length > 0 ? value : null;
}

/** The store key of a resource cache: the same for the same script input in the same image. */
export function resourceCacheKey(identity: ResourceCacheIdentity): string {
  const text = JSON.stringify(
    canonical({
      type: identity.type,
      image: { ref: identity.image.ref, env: identity.image.env },
      privileged: identity.image.privileged,
      source: emptyAsNull(identity.source),
      params: emptyAsNull(identity.params),
      version: identity.version,
    }),
  );
  return `rc-${createHash('sha256').update(text).digest('hex')}`;
}

async function isStored(run: BuildRun, key: string): Promise<boolean> {
  const { url } = await run.ctx.bus.request('artifacts', 'locate', artifactLocate, { v: 1 });
  const response = await fetch(`${url}/artifacts/${key}`, { method: 'HEAD' });
  if (response.status === 404) return false;
  if (!response.ok) throw new Error(`artifact store answered ${response.status}`);
  return true;
}

/**
 * The cache under `key` when its tar is still stored; marks it used. A row whose tar is gone is
 * forgotten, so the get runs `in` and stores it again.
 */
export async function findResourceCache(run: BuildRun, key: string): Promise<ResourceCache | null> {
  const found = await run.ctx.pool.query<{ version: ResourceVersion; metadata: ResourceMetadata }>(
    `UPDATE resource_caches SET last_used_at = now() WHERE store_key = $1
     RETURNING version, metadata`,
    [key],
  );
  const row = found.rows[0];
  if (!row) return null;
  try {
    if (await isStored(run, key)) return { key, ...row };
  } catch (err) {
    run.logger.warn({ key, err }, 'resource-cache-lookup-failed');
    return null;
  }
  await run.ctx.pool.query('DELETE FROM resource_caches WHERE store_key = $1', [key]);
  run.logger.info({ key }, 'resource-cache-tar-missing');
  return null;
}

async function storeTar(run: BuildRun, key: string, fetched: FetchedOutput): Promise<void> {
  if (fetched.archivedOnClaim) {
    const from = archivedOutputKey(fetched.job.handle, fetched.name);
    const linked = await run.ctx.bus.request('artifacts', 'link', artifactLink, {
      v: 1,
      from,
      to: key,
    });
    if (!linked.ok) throw new Error(linked.error);
    return;
  }
  const archived = await run.ctx.bus.request(
    'podExecutor',
    'archive-output',
    archiveOutput,
    { v: 1, podName: fetched.job.podName, path: fetched.path, key },
    archiveTimeoutMs,
  );
  if (!archived.ok) throw new Error(archived.error);
}

/**
 * Keeps what a successful get fetched as the resource cache `key`. A cache that cannot be stored
 * costs only a later `in`: the failure is logged, never the step's.
 */
export async function storeResourceCache(
  run: BuildRun,
  key: string,
  fetched: FetchedOutput,
  result: { type: string; version: ResourceVersion; metadata: ResourceMetadata },
): Promise<void> {
  try {
    await storeTar(run, key, fetched);
  } catch (err) {
    run.logger.warn({ key, err: (err as Error).message }, 'resource-cache-store-failed');
    return;
  }
  await run.ctx.pool.query(
    `INSERT INTO resource_caches (store_key, type, version, metadata, build_id)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (store_key) DO UPDATE SET metadata = EXCLUDED.metadata, last_used_at = now()`,
    [
      key,
      result.type,
      JSON.stringify(result.version),
      JSON.stringify(result.metadata),
      run.build.id,
    ],
  );
  run.logger.info({ key }, 'resource-cache-stored');
}
