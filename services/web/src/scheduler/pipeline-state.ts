// What one scheduling pass reads about a pipeline: fresh from the database every pass.
import type { PoolClient } from '@jetbridge/db';
import { summarizePipeline, type JobSummary, type PipelineConfig } from '@jetbridge/pipeline';

export interface JobRow {
  id: number;
  name: string;
  paused: boolean;
  hasNewInputs: boolean;
  summary: JobSummary;
}

export interface ResourceRow {
  id: number;
  name: string;
  configHash: string;
  /** The pin that applies: the resource config's `version:` wins over a pin set through the API. */
  pinnedVersion: Record<string, string> | null;
}

export interface PipelineState {
  id: number;
  teamId: number;
  paused: boolean;
  archived: boolean;
  config: PipelineConfig | null;
  /** Active jobs that are in the config, in config order. */
  jobs: JobRow[];
  resources: Map<string, ResourceRow>;
}

export async function loadPipelineState(
  client: PoolClient,
  pipelineId: number,
): Promise<PipelineState | null> {
  const found = await client.query<{
    team_id: number;
    paused: boolean;
    archived: boolean;
    config: PipelineConfig | null;
  }>('SELECT team_id, paused, archived, config FROM pipelines WHERE id = $1', [pipelineId]);
  const pipeline = found.rows[0];
  if (!pipeline) return null;

  const state: PipelineState = {
    id: pipelineId,
    teamId: pipeline.team_id,
    paused: pipeline.paused,
    archived: pipeline.archived,
    config: pipeline.config,
    jobs: [],
    resources: new Map(),
  };
  if (!pipeline.config) return state;

  const summaries = summarizePipeline(pipeline.config).jobs;
  const jobs = await client.query<{
    id: number;
    name: string;
    paused: boolean;
    has_new_inputs: boolean;
  }>('SELECT id, name, paused, has_new_inputs FROM jobs WHERE pipeline_id = $1 AND active', [
    pipelineId,
  ]);
  const byName = new Map(jobs.rows.map((j) => [j.name, j]));
  for (const summary of summaries) {
    const job = byName.get(summary.name);
    if (!job) continue;
    state.jobs.push({
      id: job.id,
      name: job.name,
      paused: job.paused,
      hasNewInputs: job.has_new_inputs,
      summary,
    });
  }

  const resources = await client.query<{
    id: number;
    name: string;
    config_hash: string;
    config: { version?: Record<string, string> } | null;
    pinned_version: Record<string, string> | null;
  }>(
    `SELECT id, name, config_hash, config, pinned_version FROM resources
     WHERE pipeline_id = $1 AND active`,
    [pipelineId],
  );
  for (const r of resources.rows) {
    state.resources.set(r.name, {
      id: r.id,
      name: r.name,
      configHash: r.config_hash,
      pinnedVersion: r.config?.version ?? r.pinned_version ?? null,
    });
  }
  return state;
}
