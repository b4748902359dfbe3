// Creates (or starts a requested) check build for one scope.
import type { PoolClient } from '@jetbridge/db';
import {
  appendBuildEvents,
  createCheckBuild,
  errorEvent,
  finishBuild,
  startBuild,
} from '../builds/index.ts';
import { latestVersion } from '../resources/index.ts';
import { checkPlan, CHECK_PLAN_ID } from './check-plan.ts';
import { CheckSetupError } from './check-source.ts';
import type { CheckCandidate } from './load-checkables.ts';

export interface CheckRequest {
  /** A pending check build the API created (`fly check-resource`, webhooks). */
  buildId?: number;
  /** `fly check-resource --from`. */
  fromVersion?: Record<string, string> | null;
  /** Why the requested check cannot run (a custom type below it failed to check). */
  failure?: string;
}

/**
 * The version the check starts from: the requested one, else the pin, else the scope's latest
 * (none on the first check of a new config, so the script reports the current version).
 */
async function startingVersion(client: PoolClient, target: CheckCandidate, request: CheckRequest) {
  if (request.fromVersion) return request.fromVersion;
  if (target.pinnedVersion) return target.pinnedVersion;
  const scope =
    target.kind === 'resource' ? { resourceId: target.id } : { resourceTypeId: target.id };
  return (await latestVersion(client, scope))?.version ?? null;
}

/** Returns the check build's id. A check that cannot start (undefined vars) errors its build. */
export async function startCheck(
  client: PoolClient,
  target: CheckCandidate,
  request: CheckRequest = {},
): Promise<number> {
  let failure: string | null = request.failure ?? null;
  let plan: unknown = {
    id: CHECK_PLAN_ID,
    check: { name: target.name, type: target.type, source: {} },
  };
  if (failure === null) {
    try {
      plan = checkPlan(target, await startingVersion(client, target, request), {
        requested: request.buildId !== undefined,
      });
    } catch (err) {
      if (!(err instanceof CheckSetupError)) throw err;
      failure = err.message;
    }
  }

  let buildId = request.buildId;
  if (buildId === undefined) {
    const created = await createCheckBuild(client, {
      teamId: target.teamId,
      pipelineId: target.pipelineId,
      plan,
      ...(target.kind === 'resource' ? { resourceId: target.id } : { resourceTypeId: target.id }),
    });
    buildId = created.id;
  } else {
    await client.query('UPDATE builds SET plan = $2 WHERE id = $1', [
      buildId,
      JSON.stringify(plan),
    ]);
    if (failure === null) await startBuild(client, buildId);
  }

  const table = target.kind === 'resource' ? 'resources' : 'resource_types';
  await client.query(`UPDATE ${table} SET last_check_build_id = $2 WHERE id = $1`, [
    target.id,
    buildId,
  ]);
  if (failure !== null) {
    await appendBuildEvents(client, buildId, [errorEvent({ id: CHECK_PLAN_ID }, failure)]);
    await finishBuild(client, buildId, 'errored');
    await client.query(`UPDATE ${table} SET check_error = $2 WHERE id = $1`, [target.id, failure]);
  }
  return buildId;
}
