// Stores a validated pipeline config in one transaction: the pipeline row with a new global config
// version, then its jobs, resources and resource types (rows no longer in the config go inactive).
import { ConfigVersionMismatchError } from '@jetbridge/api-types';
import type { PoolClient } from '@jetbridge/db';
import { summarizePipeline, type PipelineConfig } from '@jetbridge/pipeline';
import { resourceConfigHash } from '../resources/index.ts';
import { instanceVarsKey } from './canonical-json.ts';

export interface SavePipelineInput {
  teamId: number;
  name: string;
  instanceVars: Record<string, unknown> | null;
  config: PipelineConfig;
  /** The version the client read; 0 when it read none. */
  expectedVersion: bigint;
}

/** Returns the pipeline id and whether it was created. */
export async function savePipelineConfig(
  db: PoolClient,
  input: SavePipelineInput,
): Promise<{ id: number; created: boolean }> {
  const key = instanceVarsKey(input.instanceVars);
  const existing = await db.query<{ id: number; config_version: string }>(
    `SELECT id, config_version::text AS config_version FROM pipelines
     WHERE team_id = $1 AND name = $2 AND instance_vars_key = $3 FOR UPDATE`,
    [input.teamId, input.name, key],
  );
  const row = existing.rows[0];
  if (row && BigInt(row.config_version) !== input.expectedVersion) {
    throw new ConfigVersionMismatchError();
  }

  let id: number;
  if (row) {
    id = row.id;
    await db.query(
      `UPDATE pipelines SET config = $2, config_version = nextval('config_version_seq'),
         archived = false, last_updated = now() WHERE id = $1`,
      [id, JSON.stringify(input.config)],
    );
  } else {
    const inserted = await db.query<{ id: number }>(
      `INSERT INTO pipelines (team_id, name, instance_vars, instance_vars_key, config,
         config_version, paused, ordering)
       VALUES ($1, $2, $3, $4, $5, nextval('config_version_seq'), true,
         (SELECT coalesce(max(ordering), 0) + 1 FROM pipelines WHERE team_id = $1))
       ON CONFLICT (team_id, name, instance_vars_key) DO NOTHING
       RETURNING id`,
      [
        input.teamId,
        input.name,
        input.instanceVars ? JSON.stringify(input.instanceVars) : null,
        key,
        JSON.stringify(input.config),
      ],
    );
    // Another save created the pipeline after this one read none: that save's version won.
    if (inserted.rows.length === 0) throw new ConfigVersionMismatchError();
    id = inserted.rows[0]!.id;
  }

  await saveJobs(db, id, input.config);
  await saveResources(db, id, input.config);
  await saveResourceTypes(db, id, input.config);
  return { id, created: !row };
}

async function renameKept(
  db: PoolClient,
  table: string,
  pipelineId: number,
  from: string,
  to: string,
) {
  await db.query(
    `UPDATE ${table} SET name = $3 WHERE pipeline_id = $1 AND name = $2
       AND NOT EXISTS (SELECT 1 FROM ${table} WHERE pipeline_id = $1 AND name = $3)`,
    [pipelineId, from, to],
  );
}

/**
 * Jobs, resources and resource types are each written with one statement over a JSON array of
 * rows: a large pipeline (50+ jobs) would otherwise cost hundreds of round trips per save.
 */
async function saveJobs(db: PoolClient, pipelineId: number, config: PipelineConfig): Promise<void> {
  const { jobs } = summarizePipeline(config);
  for (const job of jobs) {
    if (job.oldName) await renameKept(db, 'jobs', pipelineId, job.oldName, job.name);
  }
  const rows = jobs.map((job) => ({
    name: job.name,
    config: job.config,
    public: job.public,
    max_in_flight: job.maxInFlight,
    serial_groups: job.serialGroups,
  }));
  await db.query(
    `INSERT INTO jobs (pipeline_id, name, config, public, max_in_flight)
     SELECT $1, j.name, j.config, j.public, j.max_in_flight
     FROM jsonb_to_recordset($2::jsonb) AS j(name text, config jsonb, public boolean,
       max_in_flight integer)
     ON CONFLICT (pipeline_id, name) DO UPDATE SET config = EXCLUDED.config,
       public = EXCLUDED.public, max_in_flight = EXCLUDED.max_in_flight, active = true,
       schedule_requested = now()`,
    [pipelineId, JSON.stringify(rows)],
  );
  await db.query(
    `DELETE FROM job_serial_groups g USING jobs j
     WHERE g.job_id = j.id AND j.pipeline_id = $1 AND j.name = ANY($2)`,
    [pipelineId, jobs.map((j) => j.name)],
  );
  await db.query(
    `INSERT INTO job_serial_groups (job_id, serial_group)
     SELECT DISTINCT j.id, g.serial_group
     FROM jsonb_to_recordset($2::jsonb) AS r(name text, serial_groups jsonb)
     CROSS JOIN LATERAL jsonb_array_elements_text(r.serial_groups) AS g(serial_group)
     JOIN jobs j ON j.pipeline_id = $1 AND j.name = r.name`,
    [pipelineId, JSON.stringify(rows)],
  );
  await db.query('UPDATE jobs SET active = false WHERE pipeline_id = $1 AND NOT (name = ANY($2))', [
    pipelineId,
    jobs.map((j) => j.name),
  ]);
}

async function saveResources(db: PoolClient, pipelineId: number, config: PipelineConfig) {
  const resources = config.resources ?? [];
  for (const resource of resources) {
    if (resource.old_name)
      await renameKept(db, 'resources', pipelineId, resource.old_name, resource.name);
  }
  const rows = resources.map((resource) => ({
    name: resource.name,
    type: resource.type,
    config: resource,
    webhook_token: resource.webhook_token ?? null,
    pinned: resource.version ?? null,
    config_hash: resourceConfigHash(resource.type, resource.source),
  }));
  // A pin from the config wins; removing it from the config removes that pin only.
  await db.query(
    `INSERT INTO resources (pipeline_id, name, type, config, webhook_token, pinned_version,
       pinned_in_config, config_hash)
     SELECT $1, r.name, r.type, r.config, r.webhook_token, r.pinned, r.pinned IS NOT NULL,
       r.config_hash
     FROM jsonb_to_recordset($2::jsonb) AS r(name text, type text, config jsonb,
       webhook_token text, pinned jsonb, config_hash text)
     ON CONFLICT (pipeline_id, name) DO UPDATE SET type = EXCLUDED.type,
       config = EXCLUDED.config, webhook_token = EXCLUDED.webhook_token, active = true,
       config_hash = EXCLUDED.config_hash,
       pinned_version = CASE WHEN EXCLUDED.pinned_version IS NOT NULL THEN EXCLUDED.pinned_version
         WHEN resources.pinned_in_config THEN NULL ELSE resources.pinned_version END,
       pinned_in_config = EXCLUDED.pinned_in_config`,
    [pipelineId, JSON.stringify(rows)],
  );
  await db.query(
    'UPDATE resources SET active = false WHERE pipeline_id = $1 AND NOT (name = ANY($2))',
    [pipelineId, resources.map((r) => r.name)],
  );
}

async function saveResourceTypes(db: PoolClient, pipelineId: number, config: PipelineConfig) {
  const types = config.resource_types ?? [];
  const rows = types.map((type) => ({ name: type.name, type: type.type, config: type }));
  await db.query(
    `INSERT INTO resource_types (pipeline_id, name, type, config)
     SELECT $1, t.name, t.type, t.config
     FROM jsonb_to_recordset($2::jsonb) AS t(name text, type text, config jsonb)
     ON CONFLICT (pipeline_id, name) DO UPDATE SET type = EXCLUDED.type,
       config = EXCLUDED.config, active = true`,
    [pipelineId, JSON.stringify(rows)],
  );
  await db.query(
    'UPDATE resource_types SET active = false WHERE pipeline_id = $1 AND NOT (name = ANY($2))',
    [pipelineId, types.map((t) => t.name)],
  );
}
