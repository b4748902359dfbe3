// atc.Job from a job row, its pipeline and its next and finished builds.
import type { Build, Job, JobInput } from '@jetbridge/api-types';
import { summarizePipeline, type JobConfig, type PipelineConfig } from '@jetbridge/pipeline';
import type { PipelineRow } from '../rows.ts';
import { omitEmpty } from './omit-empty.ts';
import { unixSeconds } from './time.ts';

export interface JobRow {
  id: number;
  name: string;
  config: JobConfig;
  paused: boolean;
  paused_by: string | null;
  paused_at: Date | null;
  has_new_inputs: boolean;
  first_logged_build_id: number;
}

export function presentJob(
  row: JobRow,
  pipeline: PipelineRow,
  builds: { next: Build | null; finished: Build | null; transition?: Build },
): Job {
  const config: PipelineConfig = { ...(pipeline.config ?? {}), jobs: [row.config] };
  const summary = summarizePipeline(config).jobs[0];
  const groups = ((pipeline.config?.groups ?? []) as Array<{ name: string; jobs?: string[] }>)
    .filter((g) => summary?.groups.includes(g.name) || g.jobs?.includes(row.name))
    .map((g) => g.name);
  const inputs: JobInput[] = (summary?.inputs ?? []).map((i) =>
    omitEmpty<JobInput>(
      { name: i.name, resource: i.resource, trigger: i.trigger },
      { passed: i.passed },
    ),
  );

  return omitEmpty<Job>(
    {
      id: row.id,
      name: row.name,
      team_name: pipeline.team_name,
      pipeline_id: pipeline.id,
      pipeline_name: pipeline.name,
      next_build: builds.next,
      finished_build: builds.finished,
    },
    {
      pipeline_instance_vars: pipeline.instance_vars,
      transition_build: builds.transition,
      paused: row.paused,
      paused_by: row.paused_by,
      paused_at: unixSeconds(row.paused_at),
      has_new_inputs: row.has_new_inputs,
      groups,
      first_logged_build_id: row.first_logged_build_id,
      disable_manual_trigger: row.config.disable_manual_trigger,
      disable_reruns: row.config.disable_reruns,
      inputs,
      outputs: summary?.outputs,
    },
  );
}
