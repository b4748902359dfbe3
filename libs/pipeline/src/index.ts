// @jetbridge/pipeline: the pipeline language (YAML, schema, validation, vars, build plans).
export { MalformedConfigError, ValidationError, MalformedInstanceVarsError } from './errors.ts';
export { parsePipeline, configFromValue } from './config/parse-pipeline.ts';
export { configsEqual } from './config/configs-equal.ts';
export type {
  PipelineConfig,
  JobConfig,
  ResourceConfig,
  ResourceTypeConfig,
  PrototypeConfig,
  VarSourceConfig,
  GroupConfig,
  DisplayConfig,
  BuildLogRetention,
  StepConfig,
  InParallelConfig,
  AcrossVarConfig,
  TaskConfig,
  TaskInputConfig,
  TaskOutputConfig,
  TaskCacheConfig,
  TaskRunConfig,
  ImageResource,
  ContainerLimits,
  Source,
  Params,
  Version,
} from './config/types.ts';
export { validatePipeline, type ValidationResult } from './validate/validate-pipeline.ts';
export { validateIdentifier, type ConfigWarning } from './validate/identifier.ts';
export { collectVars, type VarFlags } from './vars/collect-vars.ts';
export { interpolateTemplate } from './vars/interpolate-template.ts';
export { resolveVars, lookupIn, type VarLookup } from './vars/resolve-vars.ts';
export { parseVarRef, VAR_PATTERN_SOURCE, type VarRef } from './vars/var-ref.ts';
export { instanceVarsToQuery, instanceVarsFromQuery } from './instance-vars/query.ts';
export { parseTaskConfig, coerceTaskParams } from './task/parse-task-config.ts';
export { compileJobPlan, UnknownJobError } from './plan/compile-job-plan.ts';
export { toPublicPlan, publicPlan } from './plan/public-plan.ts';
export type {
  Plan,
  GetPlan,
  PutPlan,
  CheckPlan,
  TaskPlan,
  RunPlan,
  SetPipelinePlan,
  LoadVarPlan,
  AcrossPlan,
  HookPlan,
  ImagePlan,
  CompileOptions,
} from './plan/types.ts';
export { summarizePipeline } from './summary/summarize-pipeline.ts';
export type {
  PipelineSummary,
  JobSummary,
  JobInputSummary,
  ResourceSummary,
  ResourceTypeSummary,
} from './summary/summarize-pipeline.ts';
export { parseStep, type StepNode } from './steps/step-tree.ts';
export { jobStepTree } from './steps/job-steps.ts';
export {
  imageFor,
  fetchImagePlan,
  defaultImageCheckInterval,
  type ImageFetchPlan,
} from './plan/image-plan.ts';
export { parseGoDuration } from './steps/go-duration.ts';
