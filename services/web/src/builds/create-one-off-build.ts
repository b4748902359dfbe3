// One-off builds (fly execute) and check builds: created already started, with their plan, named
// from the global one-off counter.
import { channels } from '@jetbridge/db';
import type { PoolClient } from '@jetbridge/db';
import { appendBuildEvents } from './append-build-events.ts';
import { statusEvent } from './build-event.ts';

export interface CreatedBuild {
  id: number;
  name: string;
}

export interface OneOffBuildSpec {
  teamId: number;
  /** The atc.Plan JSON the engine walks. */
  plan: unknown;
  /** Set for `fly execute` against a pipeline (`POST {P}/builds`). */
  pipelineId?: number | null;
  createdBy?: string | null;
}

export interface CheckBuildSpec {
  teamId: number;
  pipelineId: number;
  plan: unknown;
  /** Exactly one of these names what is checked. */
  resourceId?: number | null;
  resourceTypeId?: number | null;
  manuallyTriggered?: boolean;
  createdBy?: string | null;
}

async function insertStartedBuild(
  client: PoolClient,
  columns: Record<string, unknown>,
): Promise<CreatedBuild> {
  const names = Object.keys(columns);
  const inserted = await client.query<{ id: number; name: string }>(
    `INSERT INTO builds (${names.join(', ')}, name, status, start_time)
     VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, nextval('one_off_name_seq')::text,
             'started', now())
     RETURNING id, name`,
    names.map((n) => columns[n]),
  );
  const build = inserted.rows[0]!;
  await appendBuildEvents(client, build.id, [statusEvent('started')]);
  await client.query('SELECT pg_notify($1, $2)', [channels.builds, String(build.id)]);
  return build;
}

export async function createOneOffBuild(
  client: PoolClient,
  spec: OneOffBuildSpec,
): Promise<CreatedBuild> {
  return insertStartedBuild(client, {
    team_id: spec.teamId,
    pipeline_id: spec.pipelineId ?? null,
    plan: JSON.stringify(spec.plan),
    created_by: spec.createdBy ?? null,
    manually_triggered: true,
  });
}

export async function createCheckBuild(
  client: PoolClient,
  spec: CheckBuildSpec,
): Promise<CreatedBuild> {
  return insertStartedBuild(client, {
    team_id: spec.teamId,
    pipeline_id: spec.pipelineId,
    resource_id: spec.resourceId ?? null,
    resource_type_id: spec.resourceTypeId ?? null,
    plan: JSON.stringify(spec.plan),
    created_by: spec.createdBy ?? null,
    manually_triggered: spec.manuallyTriggered ?? false,
  });
}
