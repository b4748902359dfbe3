// The scopes of task image_resource checks (image_resource_checks) that no build has checked for a
// day are forgotten, so configs that stopped being used (an image tag set per build, a pipeline
// gone) do not pile up. Forgetting one costs a later build of that image only a check from the
// start, which finds the same latest version.
import type { Pool } from '@jetbridge/db';

export const imageCheckIdleMs = 24 * 60 * 60 * 1000;

/** Deletes the image check scopes last checked more than `idleMs` ago; returns how many. */
export async function forgetIdleImageChecks(
  pool: Pool,
  idleMs: number = imageCheckIdleMs,
): Promise<number> {
  const forgotten = await pool.query(
    `DELETE FROM image_resource_checks WHERE end_time < now() - make_interval(secs => $1)`,
    [idleMs / 1000],
  );
  return forgotten.rowCount ?? 0;
}
