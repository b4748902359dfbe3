// Finding the team, pipeline and build a request names.
import type { Pool, PoolClient } from '@jetbridge/db';
import { instanceVarsKey } from './canonical-json.ts';
import {
  BUILD_SELECT,
  PIPELINE_SELECT,
  type BuildRow,
  type PipelineRow,
  type TeamRow,
} from './rows.ts';

type Queryable = Pool | PoolClient;

export async function findTeam(db: Queryable, name: string): Promise<TeamRow | null> {
  const found = await db.query<TeamRow>('SELECT id, name, auth FROM teams WHERE name = $1', [name]);
  return found.rows[0] ?? null;
}

export async function findPipeline(
  db: Queryable,
  teamId: number,
  name: string,
  instanceVars: Record<string, unknown> | null,
): Promise<PipelineRow | null> {
  const found = await db.query<PipelineRow>(
    `${PIPELINE_SELECT} WHERE p.team_id = $1 AND p.name = $2 AND p.instance_vars_key = $3`,
    [teamId, name, instanceVarsKey(instanceVars)],
  );
  return found.rows[0] ?? null;
}

export async function findBuild(db: Queryable, id: number): Promise<BuildRow | null> {
  const found = await db.query<BuildRow>(`${BUILD_SELECT} WHERE b.id = $1`, [id]);
  return found.rows[0] ?? null;
}
