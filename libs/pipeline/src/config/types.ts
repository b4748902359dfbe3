// Pipeline config types, keyed exactly as Concourse's atc.Config JSON.

export type Source = Record<string, unknown>;
export type Params = Record<string, unknown>;
export type Version = Record<string, string>;

export interface ResourceConfig {
  name: string;
  old_name?: string;
  public?: boolean;
  webhook_token?: string;
  type: string;
  source?: Source;
  check_every?: string;
  check_timeout?: string;
  tags?: string[];
  version?: Version;
  icon?: string;
  expose_build_created_by?: boolean;
}

export interface ResourceTypeConfig {
  name: string;
  type: string;
  source?: Source;
  defaults?: Source;
  privileged?: boolean;
  check_every?: string;
  tags?: string[];
  params?: Params;
}

export type PrototypeConfig = ResourceTypeConfig;

export interface VarSourceConfig {
  name: string;
  type: string;
  config?: unknown;
}

export interface GroupConfig {
  name: string;
  jobs?: string[];
  resources?: string[];
}

export interface DisplayConfig {
  background_image?: string;
  background_filter?: string;
}

export interface BuildLogRetention {
  builds?: number;
  minimum_succeeded_builds?: number;
  days?: number;
}

/**
 * A step as written in the pipeline: one core key plus modifiers. Kept as the submitted map so
 * the stored config round-trips; `parseStep` gives the structured view.
 */
export interface StepConfig {
  get?: string;
  put?: string;
  task?: string;
  run?: string;
  set_pipeline?: string | null;
  load_var?: string;
  in_parallel?: StepConfig[] | InParallelConfig;
  do?: StepConfig[];
  try?: StepConfig;
  across?: AcrossVarConfig[];
  fail_fast?: boolean;
  attempts?: number;
  timeout?: string;
  on_success?: StepConfig;
  on_failure?: StepConfig;
  on_abort?: StepConfig;
  on_error?: StepConfig;
  ensure?: StepConfig;
  resource?: string;
  version?: 'latest' | 'every' | Version;
  passed?: string[];
  trigger?: boolean;
  params?: Params;
  tags?: string[];
  inputs?: 'all' | 'detect' | string[];
  get_params?: Params;
  no_get?: boolean;
  file?: string;
  config?: TaskConfig;
  image?: string;
  privileged?: boolean;
  hermetic?: boolean;
  vars?: Record<string, unknown>;
  input_mapping?: Record<string, string>;
  output_mapping?: Record<string, string>;
  container_limits?: ContainerLimits;
  team?: string;
  var_files?: string[];
  instance_vars?: Record<string, unknown>;
  format?: string;
  reveal?: boolean;
  type?: string;
  [unknownKey: string]: unknown;
}

export interface InParallelConfig {
  steps?: StepConfig[];
  limit?: number;
  fail_fast?: boolean;
}

export interface AcrossVarConfig {
  var: string;
  values?: unknown;
  max_in_flight?: 'all' | number;
}

export interface JobConfig {
  name: string;
  old_name?: string;
  public?: boolean;
  disable_manual_trigger?: boolean;
  serial?: boolean;
  interruptible?: boolean;
  serial_groups?: string[];
  max_in_flight?: number;
  build_logs_to_retain?: number;
  build_log_retention?: BuildLogRetention;
  disable_reruns?: boolean;
  tags?: string[];
  on_success?: StepConfig;
  on_failure?: StepConfig;
  on_abort?: StepConfig;
  on_error?: StepConfig;
  ensure?: StepConfig;
  plan: StepConfig[];
}

export interface PipelineConfig {
  groups?: GroupConfig[];
  var_sources?: VarSourceConfig[];
  resources?: ResourceConfig[];
  resource_types?: ResourceTypeConfig[];
  prototypes?: PrototypeConfig[];
  jobs?: JobConfig[];
  display?: DisplayConfig;
  user_data?: unknown;
}

export interface ContainerLimits {
  cpu?: number | string | null;
  memory?: number | string | null;
}

export interface ImageResource {
  type: string;
  source: Source;
  params?: Params;
  version?: Version;
  name?: string;
  tags?: string[];
}

export interface TaskInputConfig {
  name: string;
  path?: string;
  optional?: boolean;
}

export interface TaskOutputConfig {
  name: string;
  path?: string;
}

export interface TaskCacheConfig {
  path: string;
  ttl?: string;
}

export interface TaskRunConfig {
  path: string;
  args?: string[];
  dir?: string;
  user?: string;
}

export interface TaskConfig {
  platform?: string;
  rootfs_uri?: string;
  image_resource?: ImageResource;
  container_limits?: ContainerLimits;
  params?: Record<string, string>;
  run?: TaskRunConfig;
  inputs?: TaskInputConfig[];
  outputs?: TaskOutputConfig[];
  caches?: TaskCacheConfig[];
}

export const TOP_LEVEL_KEYS = [
  'groups',
  'var_sources',
  'resources',
  'resource_types',
  'prototypes',
  'jobs',
  'display',
  'user_data',
] as const;
