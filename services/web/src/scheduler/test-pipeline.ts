// Test support: a throwaway database with one team and pipelines inserted straight into the rows
// the API would write, plus helpers to mint versions and finish builds.
import {
  createPool,
  createTestDatabase,
  inTransaction,
  type Pool,
  type PostgresSettings,
} from '@jetbridge/db';
import type { PipelineConfig } from '@jetbridge/pipeline';
import { summarizePipeline } from '@jetbridge/pipeline';
import { silentLogger } from '@jetbridge/telemetry';
import { finishBuild } from '../builds/index.ts';
import type { FinalBuildStatus } from '../builds/index.ts';
import { resourceConfigHash, saveCheckedVersions } from '../resources/index.ts';

export interface TestPipeline {
  id: number;
  jobs: Record<string, number>;
  resources: Record<string, number>;
  resourceTypes: Record<string, number>;
}

export interface TestWorld {
  pool: Pool;
  settings: PostgresSettings;
  logger: ReturnType<typeof silentLogger>;
  teamId: number;
  createPipeline(
    config: PipelineConfig,
    opts?: { paused?: boolean; name?: string },
  ): Promise<TestPipeline>;
  /** Saves versions as a check would have returned them. */
  check(resourceId: number, ...versions: Record<string, string>[]): Promise<void>;
  finish(buildId: number, status: FinalBuildStatus): Promise<void>;
  /** A pending build as `fly trigger-job` creates it. */
  trigger(pipeline: TestPipeline, jobName: string): Promise<number>;
  /** A pending rerun as `fly rerun-build` creates it. */
  rerun(buildId: number): Promise<number>;
  builds(jobId: number): Promise<BuildRow[]>;
  close(): Promise<void>;
}

export interface BuildRow {
  id: number;
  name: string;
  status: string;
  inputs: Array<{ name: string; version: Record<string, string> }> | null;
  plan: unknown;
}

export async function createTestWorld(): Promise<TestWorld> {
  const database = await createTestDatabase('jetbridge_scheduler');
  const pool = createPool(database.settings);
  const team = await pool.query<{ id: number }>(
    "INSERT INTO teams (name) VALUES ('main') RETURNING id",
  );
  const teamId = team.rows[0]!.id;
  let pipelines = 0;

  return {
    pool,
    settings: database.settings,
    logger: silentLogger(),
    teamId,
    async createPipeline(config, opts = {}) {
      const summary = summarizePipeline(config);
      const inserted = await pool.query<{ id: number }>(
        `INSERT INTO pipelines (team_id, name, config, paused) VALUES ($1, $2, $3, $4) RETURNING id`,
        [teamId, opts.name ?? `p${++pipelines}`, JSON.stringify(config), opts.paused ?? false],
      );
      const id = inserted.rows[0]!.id;
      const result: TestPipeline = { id, jobs: {}, resources: {}, resourceTypes: {} };
      for (const job of summary.jobs) {
        const row = await pool.query<{ id: number }>(
          `INSERT INTO jobs (pipeline_id, name, config, max_in_flight) VALUES ($1, $2, $3, $4)
           RETURNING id`,
          [id, job.name, JSON.stringify(job.config), job.maxInFlight],
        );
        result.jobs[job.name] = row.rows[0]!.id;
      }
      for (const resource of config.resources ?? []) {
        const row = await pool.query<{ id: number }>(
          `INSERT INTO resources (pipeline_id, name, type, config, config_hash, pinned_version,
                                  pinned_in_config)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [
            id,
            resource.name,
            resource.type,
            JSON.stringify(resource),
            resourceConfigHash(resource.type, resource.source),
            resource.version ? JSON.stringify(resource.version) : null,
            !!resource.version,
          ],
        );
        result.resources[resource.name] = row.rows[0]!.id;
      }
      for (const type of config.resource_types ?? []) {
        const row = await pool.query<{ id: number }>(
          `INSERT INTO resource_types (pipeline_id, name, type, config) VALUES ($1, $2, $3, $4)
           RETURNING id`,
          [id, type.name, type.type, JSON.stringify(type)],
        );
        result.resourceTypes[type.name] = row.rows[0]!.id;
      }
      return result;
    },
    async check(resourceId, ...versions) {
      await inTransaction(pool, (client) => saveCheckedVersions(client, { resourceId }, versions));
    },
    async finish(buildId, status) {
      await inTransaction(pool, (client) => finishBuild(client, buildId, status));
    },
    async trigger(pipeline, jobName) {
      const jobId = pipeline.jobs[jobName]!;
      const created = await pool.query<{ id: number }>(
        `WITH n AS (UPDATE jobs SET build_number_seq = build_number_seq + 1 WHERE id = $2
                    RETURNING build_number_seq)
         INSERT INTO builds (team_id, pipeline_id, job_id, name, manually_triggered)
         SELECT $1, $3, $2, n.build_number_seq::text, true FROM n RETURNING id`,
        [teamId, jobId, pipeline.id],
      );
      return created.rows[0]!.id;
    },
    async rerun(buildId) {
      const created = await pool.query<{ id: number }>(
        `WITH k AS (SELECT count(*) + 1 AS k FROM builds WHERE rerun_of = $1)
         INSERT INTO builds (team_id, pipeline_id, job_id, name, rerun_of, rerun_number,
                             manually_triggered)
         SELECT b.team_id, b.pipeline_id, b.job_id, b.name || '.' || k.k, b.id, k.k, true
         FROM builds b, k WHERE b.id = $1 RETURNING id`,
        [buildId],
      );
      return created.rows[0]!.id;
    },
    async builds(jobId) {
      const found = await pool.query<BuildRow>(
        'SELECT id, name, status, inputs, plan FROM builds WHERE job_id = $1 ORDER BY id',
        [jobId],
      );
      return found.rows;
    },
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}
