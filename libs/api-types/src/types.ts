// The Concourse API's JSON shapes as fly and the UI read them. Optional fields are omitted when
// empty (Go's omitempty); `| null` fields are always present.

export type BuildStatus = 'pending' | 'started' | 'succeeded' | 'failed' | 'errored' | 'aborted';

export type InstanceVars = Record<string, unknown>;

export interface Build {
  id: number;
  team_name: string;
  name: string;
  status: BuildStatus;
  api_url: string;
  comment?: string;
  job_name?: string;
  resource_name?: string;
  pipeline_id?: number;
  pipeline_name?: string;
  pipeline_instance_vars?: InstanceVars;
  start_time?: number;
  end_time?: number;
  reap_time?: number;
  rerun_number?: number;
  rerun_of?: { id?: number; name?: string };
  created_by?: string;
}

export interface Pipeline {
  id: number;
  name: string;
  instance_vars?: InstanceVars;
  paused: boolean;
  paused_by?: string;
  paused_at?: number;
  public: boolean;
  archived: boolean;
  groups?: Array<{ name: string; jobs?: string[]; resources?: string[] }>;
  team_name: string;
  display?: { background_image?: string; background_filter?: string };
  user_data?: unknown;
  parent_build_id?: number;
  parent_job_id?: number;
  last_updated?: number;
}

export interface JobInput {
  name: string;
  resource: string;
  trigger: boolean;
  passed?: string[];
}

export interface Job {
  id: number;
  name: string;
  team_name: string;
  pipeline_id: number;
  pipeline_name: string;
  pipeline_instance_vars?: InstanceVars;
  paused?: boolean;
  paused_by?: string;
  paused_at?: number;
  has_new_inputs?: boolean;
  groups?: string[];
  first_logged_build_id?: number;
  disable_manual_trigger?: boolean;
  disable_reruns?: boolean;
  next_build: Build | null;
  finished_build: Build | null;
  transition_build?: Build;
  inputs?: JobInput[];
  outputs?: Array<{ name: string; resource: string }>;
}

export interface Resource {
  name: string;
  pipeline_id: number;
  pipeline_name: string;
  pipeline_instance_vars?: InstanceVars;
  team_name: string;
  type: string;
  last_checked?: number;
  icon?: string;
  pinned_version?: Record<string, string>;
  pinned_in_config?: boolean;
  pin_comment?: string;
  build?: Build;
}

export interface ResourceVersion {
  id: number;
  version: Record<string, string>;
  metadata?: Array<{ name: string; value: string }>;
  enabled: boolean;
}

export interface TeamAuth {
  [role: string]: { users: string[]; groups: string[] };
}

export interface Team {
  id?: number;
  name?: string;
  auth?: TeamAuth;
}

export interface Worker {
  addr: string;
  baggageclaim_url: string;
  active_containers: number;
  active_volumes: number;
  active_tasks: number;
  max_active_tasks: number;
  resource_types: unknown[];
  platform: string;
  tags: string[];
  team: string;
  name: string;
  version: string;
  start_time: number;
  ephemeral: boolean;
  state: string;
}

export interface Container {
  id: string;
  worker_name: string;
  state?: string;
  type?: string;
  step_name?: string;
  attempt?: string;
  pipeline_id?: number;
  job_id?: number;
  build_id?: number;
  resource_id?: number;
  resource_type_id?: number;
  pipeline_name?: string;
  pipeline_instance_vars?: InstanceVars;
  job_name?: string;
  build_name?: string;
  resource_name?: string;
  resource_type_name?: string;
  user?: string;
  working_directory?: string;
  expires_in?: string;
}

export interface Info {
  version: string;
  worker_version: string;
  feature_flags: Record<string, boolean>;
  external_url?: string;
  cluster_name?: string;
}

export interface UserInfo {
  sub: string;
  name: string;
  user_id: string;
  user_name: string;
  email: string;
  is_admin: boolean;
  is_system: boolean;
  teams: Record<string, string[]>;
  connector: string;
  display_user_id: string;
}

/** The JSON envelope of one build event on the SSE stream. */
export interface BuildEventEnvelope {
  data: unknown;
  event: string;
  version: string;
  event_id: string;
}
