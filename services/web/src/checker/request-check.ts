// Check requests (fly check-resource, webhooks, manual triggers) become pending check builds that
// the checker starts once no other check of their scope runs. Unless shallow, the custom types the
// target's type resolves through are re-checked first, deepest first, each in its own check build.
import { channels, type PoolClient } from '@jetbridge/db';
import type { PipelineConfig, Version } from '@jetbridge/pipeline';

export interface CheckTarget {
  kind: 'resource' | 'resource_type';
  id: number;
  name: string;
  type: string;
  teamId: number;
  pipelineId: number;
}

export interface CheckRequestOptions {
  /** `fly check-resource --from`, or the pin a manual trigger checks from. */
  from?: Version | null;
  /** Check only the target, not the custom types below it (`fly check-resource --shallow`). */
  shallow?: boolean;
  /** Answer with a requested check of the target that has not started yet, if there is one. */
  reusePending?: boolean;
  createdBy?: string | null;
}

/** What the pending build of a requested check holds until the checker starts it. */
export interface RequestedCheckPlan {
  id: string;
  check: {
    name: string;
    type: string;
    from_version?: Version;
    resource?: string;
    resource_type?: string;
    skip_interval: true;
    /** The check build of the custom type below the target, which must finish first. */
    after_build?: number;
  };
}

const columnOf = (kind: CheckTarget['kind']) =>
  kind === 'resource' ? 'resource_id' : 'resource_type_id';

async function pendingCheck(client: PoolClient, target: CheckTarget): Promise<number | null> {
  const found = await client.query<{ id: number }>(
    `SELECT id FROM builds WHERE ${columnOf(target.kind)} = $1 AND status = 'pending'
       AND NOT aborted AND plan->'check'->'from_version' IS NULL
     ORDER BY id DESC LIMIT 1`,
    [target.id],
  );
  return found.rows[0]?.id ?? null;
}

/** The custom types `target` resolves through, the one it names first; never through itself. */
async function parentTypes(client: PoolClient, target: CheckTarget): Promise<CheckTarget[]> {
  const found = await client.query<{ config: PipelineConfig | null }>(
    'SELECT config FROM pipelines WHERE id = $1',
    [target.pipelineId],
  );
  const types = found.rows[0]?.config?.resource_types ?? [];
  const seen = new Set(target.kind === 'resource_type' ? [target.name] : []);
  const names: string[] = [];
  let type = types.find((t) => t.name === target.type && !seen.has(t.name));
  while (type) {
    const { name, type: below } = type;
    names.push(name);
    seen.add(name);
    type = types.find((t) => t.name === below && !seen.has(t.name));
  }
  if (names.length === 0) return [];

  const rows = await client.query<{ id: number; name: string; type: string }>(
    `SELECT id, name, type FROM resource_types
     WHERE pipeline_id = $1 AND name = ANY($2::text[]) AND active`,
    [target.pipelineId, names],
  );
  const byName = new Map(rows.rows.map((r) => [r.name, r]));
  const { teamId, pipelineId } = target;
  return names
    .filter((name) => byName.has(name))
    .map((name) => ({ kind: 'resource_type', ...byName.get(name)!, teamId, pipelineId }));
}

async function insertRequest(
  client: PoolClient,
  target: CheckTarget,
  opts: CheckRequestOptions,
  afterBuild: number | null,
): Promise<number> {
  const plan: RequestedCheckPlan = {
    id: 'check',
    check: {
      name: target.name,
      type: target.type,
      ...(opts.from ? { from_version: opts.from } : {}),
      ...(target.kind === 'resource' ? { resource: target.name } : { resource_type: target.name }),
      skip_interval: true,
      ...(afterBuild !== null ? { after_build: afterBuild } : {}),
    },
  };
  const inserted = await client.query<{ id: number }>(
    `INSERT INTO builds (team_id, pipeline_id, ${columnOf(target.kind)}, name, status,
       manually_triggered, created_by, plan)
     VALUES ($1, $2, $3, nextval('one_off_name_seq')::text, 'pending', true, $4, $5)
     RETURNING id`,
    [target.teamId, target.pipelineId, target.id, opts.createdBy ?? null, JSON.stringify(plan)],
  );
  return inserted.rows[0]!.id;
}

/**
 * Returns the id of the target's pending check build. Run it in the caller's transaction; the
 * checker is woken when that commits.
 */
export async function requestCheck(
  client: PoolClient,
  target: CheckTarget,
  opts: CheckRequestOptions = {},
): Promise<number> {
  if (opts.reusePending && !opts.from) {
    const pending = await pendingCheck(client, target);
    if (pending !== null) return pending;
  }

  let afterBuild: number | null = null;
  const parents = opts.shallow ? [] : await parentTypes(client, target);
  for (const parent of parents.reverse()) {
    afterBuild = await insertRequest(client, parent, { createdBy: opts.createdBy }, afterBuild);
  }
  const buildId = await insertRequest(client, target, opts, afterBuild);
  await client.query('SELECT pg_notify($1, $2)', [channels.checks, String(target.id)]);
  return buildId;
}
