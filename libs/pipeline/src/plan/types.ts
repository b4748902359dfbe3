// Build plans in the JSON shape of Concourse's atc.Plan.
import type { ContainerLimits, Params, Source, TaskConfig, Version } from '../config/types.ts';

export interface ImagePlan {
  check_plan?: Plan;
  get_plan?: Plan;
  base_type?: string;
  privileged?: boolean;
}

export interface GetPlan {
  name?: string;
  type: string;
  source: Source;
  image: ImagePlan;
  version?: Version;
  version_from?: string;
  params?: Params;
  resource?: string;
  tags?: string[];
  timeout?: string;
}

export interface PutPlan {
  name: string;
  type: string;
  source: Source;
  image: ImagePlan;
  params?: Params;
  inputs?: 'all' | 'detect' | string[];
  resource?: string;
  tags?: string[];
  timeout?: string;
  expose_build_created_by?: boolean;
}

export interface CheckPlan {
  name: string;
  type: string;
  source: Source;
  image: ImagePlan;
  from_version?: Version;
  resource?: string;
  resource_type?: string;
  interval?: string;
  skip_interval?: boolean;
  timeout?: string;
  tags?: string[];
}

export interface TaskPlan {
  name: string;
  privileged: boolean;
  hermetic?: boolean;
  tags?: string[];
  config_path?: string;
  config?: TaskConfig;
  container_limits?: ContainerLimits;
  image?: string;
  vars?: Record<string, unknown>;
  params?: Record<string, string>;
  input_mapping?: Record<string, string>;
  output_mapping?: Record<string, string>;
  timeout?: string;
  resource_types?: Array<Record<string, unknown>>;
}

export interface RunPlan {
  message: string;
  type: string;
  object?: Record<string, unknown>;
  privileged: boolean;
  tags?: string[];
  container_limits?: ContainerLimits;
  timeout?: string;
}

export interface SetPipelinePlan {
  name: string;
  file: string;
  team?: string;
  vars?: Record<string, unknown>;
  var_files?: string[];
  instance_vars?: Record<string, unknown>;
}

export interface LoadVarPlan {
  name: string;
  file: string;
  format?: string;
  reveal?: boolean;
}

export interface AcrossPlan {
  vars: Array<{ name: string; values?: unknown; max_in_flight?: 'all' | number }>;
  /** The JSON-encoded plan run for each combination of values. */
  substep_template: string;
  fail_fast?: boolean;
}

export interface HookPlan {
  step: Plan;
  on_success?: Plan;
  on_failure?: Plan;
  on_abort?: Plan;
  on_error?: Plan;
  ensure?: Plan;
}

export interface Plan {
  id: string;
  attempts?: number[];
  get?: GetPlan;
  put?: PutPlan;
  check?: CheckPlan;
  task?: TaskPlan;
  run?: RunPlan;
  set_pipeline?: SetPipelinePlan;
  load_var?: LoadVarPlan;
  do?: Plan[];
  in_parallel?: { steps: Plan[] | null; limit?: number; fail_fast?: boolean };
  across?: AcrossPlan;
  on_success?: HookPlan;
  on_failure?: HookPlan;
  on_abort?: HookPlan;
  on_error?: HookPlan;
  ensure?: HookPlan;
  try?: { step: Plan };
  timeout?: { step: Plan; duration: string };
  retry?: Plan[];
  artifact_input?: { artifact_id: number; name: string };
  artifact_output?: { name: string };
}

export interface CompileOptions {
  nextId(): string;
  /** Versions chosen by the scheduler for the job's get steps, by get step name. */
  versions?: Record<string, Version>;
}
