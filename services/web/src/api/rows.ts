// Database rows the API reads, with the names joined in that presenters need.
import type { BuildStatus, InstanceVars, TeamAuth } from '@jetbridge/api-types';

export interface TeamRow {
  id: number;
  name: string;
  auth: TeamAuth;
}

export interface PipelineRow {
  id: number;
  team_id: number;
  team_name: string;
  name: string;
  instance_vars: InstanceVars | null;
  config: Record<string, unknown> | null;
  config_version: string;
  paused: boolean;
  paused_by: string | null;
  paused_at: Date | null;
  public: boolean;
  archived: boolean;
  ordering: number;
  parent_job_id: number | null;
  parent_build_id: number | null;
  last_updated: Date;
}

export interface BuildRow {
  id: number;
  name: string;
  status: BuildStatus;
  team_id: number;
  team_name: string;
  pipeline_id: number | null;
  pipeline_name: string | null;
  pipeline_instance_vars: InstanceVars | null;
  pipeline_public: boolean | null;
  job_id: number | null;
  job_name: string | null;
  job_public: boolean | null;
  resource_id: number | null;
  resource_name: string | null;
  resource_type_name: string | null;
  comment: string | null;
  created_by: string | null;
  start_time: Date | null;
  end_time: Date | null;
  reap_time: Date | null;
  rerun_number: number;
  rerun_of: number | null;
  rerun_of_name: string | null;
  aborted: boolean;
  plan: unknown;
}

export const PIPELINE_SELECT = `
  SELECT p.id, p.team_id, t.name AS team_name, p.name, p.instance_vars, p.config,
    p.config_version::text AS config_version, p.paused, p.paused_by, p.paused_at, p.public,
    p.archived, p.ordering, p.parent_job_id, p.parent_build_id, p.last_updated
  FROM pipelines p JOIN teams t ON t.id = p.team_id`;

export const BUILD_SELECT = `
  SELECT b.id, b.name, b.status, b.team_id, t.name AS team_name, b.pipeline_id,
    p.name AS pipeline_name, p.instance_vars AS pipeline_instance_vars,
    p.public AS pipeline_public, b.job_id, j.name AS job_name, j.public AS job_public,
    b.resource_id, r.name AS resource_name, rt.name AS resource_type_name, b.comment,
    b.created_by, b.start_time, b.end_time, b.reap_time, b.rerun_number, b.rerun_of,
    ro.name AS rerun_of_name, b.aborted, b.plan
  FROM builds b
  JOIN teams t ON t.id = b.team_id
  LEFT JOIN pipelines p ON p.id = b.pipeline_id
  LEFT JOIN jobs j ON j.id = b.job_id
  LEFT JOIN resources r ON r.id = b.resource_id
  LEFT JOIN resource_types rt ON rt.id = b.resource_type_id
  LEFT JOIN builds ro ON ro.id = b.rerun_of`;
