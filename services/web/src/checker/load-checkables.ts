// Reads what may need a check, fresh from the database, with when each was last checked.
import type { PoolClient } from '@jetbridge/db';
import type { PipelineConfig, ResourceConfig, ResourceTypeConfig } from '@jetbridge/pipeline';
import type { Checkable } from './check-plan.ts';

export interface CheckCandidate extends Checkable {
  /** Milliseconds since the last check build was created; null when never checked. */
  sinceLastCheckMs: number | null;
  /** A check of this scope is running: a second one must not start. */
  inFlight: boolean;
  /** A requested check of this scope waits to start: a periodic one would only repeat it. */
  requested: boolean;
  /** Resources only: the pin a periodic check starts from. */
  pinnedVersion: Record<string, string> | null;
}

interface Row {
  id: number;
  name: string;
  type: string;
  config: ResourceConfig | ResourceTypeConfig;
  pinned_version: Record<string, string> | null;
  pipeline_id: number;
  team_id: number;
  pipeline_config: PipelineConfig | null;
  instance_vars: unknown;
  since_ms: number | null;
  in_flight: boolean;
  requested: boolean;
}

function candidate(kind: Checkable['kind'], row: Row): CheckCandidate {
  const config = row.config as ResourceConfig;
  return {
    kind,
    id: row.id,
    teamId: row.team_id,
    pipelineId: row.pipeline_id,
    name: row.name,
    type: row.type,
    source: config.source,
    checkEvery: config.check_every,
    checkTimeout: kind === 'resource' ? config.check_timeout : undefined,
    pipelineConfig: row.pipeline_config ?? {},
    instanceVars: row.instance_vars,
    sinceLastCheckMs: row.since_ms === null ? null : Number(row.since_ms),
    inFlight: row.in_flight,
    requested: row.requested,
    pinnedVersion: kind === 'resource' ? (config.version ?? row.pinned_version) : null,
  };
}

function query(table: 'resources' | 'resource_types', where: string): string {
  const column = table === 'resources' ? 'resource_id' : 'resource_type_id';
  const pinned = table === 'resources' ? 'c.pinned_version' : 'NULL::jsonb';
  return `SELECT c.id, c.name, c.type, c.config, ${pinned} AS pinned_version, p.id AS pipeline_id,
      p.team_id, p.config AS pipeline_config, p.instance_vars,
      extract(epoch FROM now() - last.created_at) * 1000 AS since_ms,
      EXISTS (SELECT 1 FROM builds b WHERE b.${column} = c.id AND b.status = 'started') AS in_flight,
      EXISTS (SELECT 1 FROM builds b WHERE b.${column} = c.id AND b.status = 'pending') AS requested
    FROM ${table} c JOIN pipelines p ON p.id = c.pipeline_id
    LEFT JOIN builds last ON last.id = c.last_check_build_id
    WHERE ${where}`;
}

/** Active resources of unpaused pipelines, and the resource types those resources use. */
export async function loadPeriodicCheckables(client: PoolClient): Promise<CheckCandidate[]> {
  const active = 'c.active AND NOT p.paused AND NOT p.archived';
  const resources = await client.query<Row>(`${query('resources', active)} ORDER BY c.id`);
  const types = await client.query<Row>(`${query('resource_types', active)} ORDER BY c.id`);

  const used = new Set<string>();
  const typesByKey = new Map(types.rows.map((t) => [`${t.pipeline_id}/${t.name}`, t]));
  for (const r of resources.rows) {
    let key = `${r.pipeline_id}/${r.type}`;
    // Follow the chain of custom types down to a base type; a type never resolves through itself.
    while (typesByKey.has(key) && !used.has(key)) {
      used.add(key);
      key = `${r.pipeline_id}/${typesByKey.get(key)!.type}`;
    }
  }
  return [
    ...resources.rows.map((r) => candidate('resource', r)),
    ...types.rows
      .filter((t) => used.has(`${t.pipeline_id}/${t.name}`))
      .map((t) => candidate('resource_type', t)),
  ];
}

/** One resource or resource type, whatever its pipeline's state (for requested checks). */
export async function loadCheckable(
  client: PoolClient,
  kind: Checkable['kind'],
  id: number,
): Promise<CheckCandidate | null> {
  const table = kind === 'resource' ? 'resources' : 'resource_types';
  const found = await client.query<Row>(query(table, 'c.id = $1'), [id]);
  return found.rows[0] ? candidate(kind, found.rows[0]) : null;
}
