// The scope of a task image_resource's check (Concourse's resource config scope, which belongs to
// no pipeline): keyed by type, source and the image the check runs in. Concourse does not repeat
// such a check in a build when one of the same config succeeded after the build started.
import { createHash } from 'node:crypto';
import type { CheckPlan } from '@jetbridge/pipeline';
import type { Pool, PoolClient } from '@jetbridge/db';
import { canonicalJson } from '../../resources/index.ts';
import type { StepImage } from './images.ts';
import type { ResourceVersion } from './resource-output.ts';

export interface LastImageCheck {
  version: ResourceVersion | null;
  /** It succeeded after the build started: this build need not check again. */
  reusable: boolean;
}

/** The scope key of an image_resource check; null for the checks of resources and types. */
export function imageCheckKey(check: CheckPlan, image: StepImage): string | null {
  if (check.resource || check.resource_type) return null;
  const config = {
    type: check.type,
    source: check.source ?? {},
    image: { ref: image.ref, env: image.env, privileged: image.privileged },
  };
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

export async function lastImageCheck(
  pool: Pool,
  key: string,
  buildId: number,
): Promise<LastImageCheck | null> {
  const found = await pool.query<{ version: ResourceVersion | null; reusable: boolean }>(
    `SELECT c.version, c.succeeded AND c.end_time > b.start_time AS reusable
     FROM image_resource_checks c, builds b WHERE c.config_key = $1 AND b.id = $2`,
    [key, buildId],
  );
  const row = found.rows[0];
  return row ? { version: row.version, reusable: row.reusable === true } : null;
}

/** Records a finished check; the newest version it reported becomes the scope's latest. */
export async function recordImageCheck(
  client: PoolClient,
  key: string,
  outcome: { succeeded: boolean; versions: ResourceVersion[] },
): Promise<void> {
  const latest = outcome.versions.at(-1) ?? null;
  await client.query(
    `INSERT INTO image_resource_checks (config_key, version, succeeded, end_time)
     VALUES ($1, $2, $3, now())
     ON CONFLICT (config_key) DO UPDATE SET
       version = COALESCE(EXCLUDED.version, image_resource_checks.version),
       succeeded = EXCLUDED.succeeded, end_time = EXCLUDED.end_time`,
    [key, latest === null ? null : JSON.stringify(latest), outcome.succeeded],
  );
}
