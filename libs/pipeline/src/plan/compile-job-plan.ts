// A job's config -> the build plan the engine walks (Concourse's builds planner).
import type {
  JobConfig,
  PipelineConfig,
  ResourceConfig,
  Source,
  StepConfig,
} from '../config/types.ts';
import { jobStepTree } from '../steps/job-steps.ts';
import type { StepNode } from '../steps/step-tree.ts';
import { coerceTaskParams } from '../task/parse-task-config.ts';
import { imageFor } from './image-plan.ts';
import type { CompileOptions, GetPlan, Plan, PutPlan, TaskPlan } from './types.ts';

export class UnknownJobError extends Error {
  constructor(jobName: string) {
    super(`job '${jobName}' not found in pipeline config`);
    this.name = 'UnknownJobError';
  }
}

type Leaf = Extract<StepNode, { name: string }>;

function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) {
    const v = value[key];
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) delete value[key];
  }
  return value;
}

class Planner {
  private readonly config: PipelineConfig;
  private readonly opts: CompileOptions;
  private attempts: number[] = [];
  private tags: string[] = [];

  constructor(config: PipelineConfig, opts: CompileOptions, jobTags: string[] = []) {
    this.config = config;
    this.opts = opts;
    this.tags = jobTags;
  }

  private node(fill: Omit<Plan, 'id'>): Plan {
    const plan: Plan = { id: this.opts.nextId(), ...fill };
    if (this.attempts.length > 0) plan.attempts = [...this.attempts];
    return plan;
  }

  private withTags<T>(tags: string[] | undefined, fn: () => T): T {
    if (!tags?.length) return fn();
    const saved = this.tags;
    this.tags = tags;
    try {
      return fn();
    } finally {
      this.tags = saved;
    }
  }

  private stepTags(step: StepConfig): string[] | undefined {
    const tags = step.tags?.length ? step.tags : this.tags;
    return tags.length ? tags : undefined;
  }

  plan(node: StepNode): Plan {
    switch (node.kind) {
      case 'do':
        return this.withTags(node.config.tags, () =>
          this.node({ do: node.steps.map((s) => this.plan(s)) }),
        );
      case 'in_parallel':
        return this.withTags(node.config.tags, () =>
          this.node({
            in_parallel: defined({
              steps: node.steps.map((s) => this.plan(s)),
              limit: node.limit,
              fail_fast: node.failFast,
            }),
          }),
        );
      case 'try':
        return this.node({ try: { step: this.plan(node.step) } });
      case 'timeout':
        return this.node({ timeout: { step: this.plan(node.step), duration: node.duration } });
      case 'retry':
        return this.planRetry(node);
      case 'across':
        return this.node({
          across: defined({
            vars: node.vars.map((v) =>
              defined({ name: v.var, values: v.values, max_in_flight: v.max_in_flight }),
            ),
            substep_template: JSON.stringify(this.plan(node.step)),
            fail_fast: node.failFast || undefined,
          }),
        });
      case 'hook': {
        const step = this.plan(node.step);
        return this.node({ [node.hook]: { step, [node.hook]: this.plan(node.hookStep) } });
      }
      default:
        return this.planLeaf(node);
    }
  }

  private planRetry(node: Extract<StepNode, { kind: 'retry' }>): Plan {
    const id = this.opts.nextId();
    const copies: Plan[] = [];
    for (let attempt = 1; attempt <= node.attempts; attempt++) {
      const saved = this.attempts;
      this.attempts = [...saved, attempt];
      try {
        copies.push(this.plan(node.step));
      } finally {
        this.attempts = saved;
      }
    }
    const plan: Plan = { id, retry: copies };
    if (this.attempts.length > 0) plan.attempts = [...this.attempts];
    return plan;
  }

  private resource(name: string): ResourceConfig {
    const found = (this.config.resources ?? []).find((r) => r.name === name);
    return found ?? { name, type: '', source: {} };
  }

  private sourceOf(resource: ResourceConfig): Source {
    const type = (this.config.resource_types ?? []).find((t) => t.name === resource.type);
    return { ...(type?.defaults ?? {}), ...(resource.source ?? {}) };
  }

  private planLeaf(leaf: Leaf): Plan {
    const step = leaf.config;
    switch (leaf.kind) {
      case 'get':
        return this.planGet(leaf);
      case 'put':
        return this.planPut(leaf);
      case 'task':
        return this.node({ task: this.taskPlan(leaf) });
      case 'run':
        return this.node({
          run: defined({
            message: leaf.name,
            type: step.type ?? '',
            object: step.params,
            privileged: !!step.privileged,
            tags: this.stepTags(step),
            container_limits: step.container_limits,
            timeout: step.timeout,
          }),
        });
      case 'set_pipeline':
        return this.node({
          set_pipeline: defined({
            name: leaf.name,
            file: step.file ?? '',
            team: step.team,
            vars: step.vars,
            var_files: step.var_files,
            instance_vars: step.instance_vars,
          }),
        });
      case 'load_var':
        return this.node({
          load_var: defined({
            name: leaf.name,
            file: step.file ?? '',
            format: step.format,
            reveal: step.reveal,
          }),
        });
    }
  }

  private planGet(leaf: Leaf): Plan {
    const step = leaf.config;
    const resource = this.resource(step.resource ?? leaf.name);
    const id = this.opts.nextId();
    const tags = step.tags?.length
      ? step.tags
      : resource.tags?.length
        ? resource.tags
        : this.stepTags(step);
    const pinned = typeof step.version === 'object' ? step.version : resource.version;
    const get: GetPlan = defined({
      name: leaf.name,
      type: resource.type,
      resource: resource.name,
      source: this.sourceOf(resource),
      image: imageFor(resource.type, this.config.resource_types ?? [], id, tags),
      version: this.opts.versions?.[leaf.name] ?? pinned,
      params: step.params,
      tags,
      timeout: step.timeout,
    });
    const plan: Plan = { id, get };
    if (this.attempts.length > 0) plan.attempts = [...this.attempts];
    return plan;
  }

  private planPut(leaf: Leaf): Plan {
    const step = leaf.config;
    const resource = this.resource(step.resource ?? leaf.name);
    const tags = step.tags?.length
      ? step.tags
      : resource.tags?.length
        ? resource.tags
        : this.stepTags(step);
    const types = this.config.resource_types ?? [];
    const putId = this.opts.nextId();
    const put: PutPlan = defined({
      name: leaf.name,
      type: resource.type,
      resource: resource.name,
      source: this.sourceOf(resource),
      image: imageFor(resource.type, types, putId, tags),
      params: step.params,
      inputs: step.inputs,
      tags,
      timeout: step.timeout,
      expose_build_created_by: resource.expose_build_created_by || undefined,
    });
    const putPlan: Plan = { id: putId, put };
    if (this.attempts.length > 0) putPlan.attempts = [...this.attempts];
    if (step.no_get) return putPlan;

    const getId = this.opts.nextId();
    const get = this.node({});
    get.id = getId;
    get.get = defined({
      name: leaf.name,
      type: resource.type,
      resource: resource.name,
      source: this.sourceOf(resource),
      image: imageFor(resource.type, types, getId, tags),
      version_from: putId,
      params: step.get_params,
      tags,
      timeout: step.timeout,
    });
    return this.node({ on_success: { step: putPlan, on_success: get } });
  }

  private taskPlan(leaf: Leaf): TaskPlan {
    const step = leaf.config;
    const types = (this.config.resource_types ?? []).map((t) => ({ ...t }));
    return defined({
      name: leaf.name,
      privileged: !!step.privileged,
      hermetic: step.hermetic || undefined,
      tags: this.stepTags(step),
      config_path: step.file,
      config: step.config ?? undefined,
      container_limits: step.container_limits,
      image: step.image,
      vars: step.vars,
      params: coerceTaskParams(step.params),
      input_mapping: step.input_mapping,
      output_mapping: step.output_mapping,
      timeout: step.timeout,
      resource_types: types.length ? types : undefined,
    });
  }
}

/**
 * Compiles the plan of `jobName`: a `do` of its steps wrapped by the job's hooks. `opts.nextId`
 * names every plan node; `opts.versions` pins get steps to the versions the scheduler chose.
 */
export function compileJobPlan(
  config: PipelineConfig,
  jobName: string,
  opts: CompileOptions,
): Plan {
  const index = (config.jobs ?? []).findIndex((j) => j.name === jobName);
  if (index < 0) throw new UnknownJobError(jobName);
  const job = config.jobs![index] as JobConfig;
  const planner = new Planner(config, opts, job.tags ?? []);
  return planner.plan(jobStepTree(job, `jobs[${index}]`));
}
