// Walks a job's step tree and records Concourse's step errors and warnings, with contexts
// such as `jobs.build.plan.do[0].get(repo)`.
import type { JobConfig, PipelineConfig, StepConfig } from '../config/types.ts';
import { forEachLeaf, type StepNode } from '../steps/step-tree.ts';
import { jobStepTree } from '../steps/job-steps.ts';
import { parseGoDuration } from '../steps/go-duration.ts';
import { checkTaskConfig } from '../task/check-task-config.ts';
import { compileGlob } from './glob.ts';
import { validateIdentifier, type ConfigWarning } from './identifier.ts';

type Leaf = Extract<StepNode, { name: string }>;

function resourceOf(leaf: Leaf): string {
  return leaf.config.resource ?? leaf.name;
}

export class StepValidator {
  readonly errors: string[] = [];
  readonly warnings: ConfigWarning[] = [];
  private readonly config: PipelineConfig;
  private readonly context: string[];
  /** The config path of the step being visited (`jobs.j.plan[0]`), for task config messages. */
  private configPath: string[];
  private readonly seenGetNames = new Set<string>();
  private readonly localVarScopes: Array<Set<string>> = [new Set()];

  constructor(config: PipelineConfig, jobContext: string, jobPath: string) {
    this.config = config;
    this.context = [jobContext, '.plan'];
    this.configPath = [jobPath];
  }

  validateJob(job: JobConfig, jobIndexPath: string): void {
    this.visit(jobStepTree(job, jobIndexPath), job);
  }

  private annotate(message: string): string {
    return `${this.context.join('')}: ${message}`;
  }

  private error(message: string): void {
    this.errors.push(this.annotate(message));
  }

  private within<T>(ctx: string, path: string | null, fn: () => T): T {
    this.context.push(ctx);
    const savedPath = this.configPath;
    if (path !== null) this.configPath = [...savedPath, path];
    try {
      return fn();
    } finally {
      this.context.pop();
      this.configPath = savedPath;
    }
  }

  /** The job's plan is a `do` directly under `.plan`; its children are `plan[i]` in the config. */
  private isJobRoot(): boolean {
    return this.context.length === 3 && this.context[2] === '.do';
  }

  private checkIdentifier(name: string, asError = false): void {
    const result = validateIdentifier(name, this.context.join(''));
    if (typeof result === 'string') this.errors.push(result);
    else if (result && asError) this.errors.push(result.message);
    else if (result) this.warnings.push(result);
  }

  private visit(node: StepNode, job: JobConfig): void {
    if (node.unknownFields) {
      this.error(`unknown fields [${node.unknownFields.map((f) => JSON.stringify(f)).join(' ')}]`);
    }
    switch (node.kind) {
      case 'do':
        return this.within('.do', null, () =>
          node.steps.forEach((s, i) =>
            this.within(`[${i}]`, this.isJobRoot() ? `.plan[${i}]` : `.do[${i}]`, () =>
              this.visit(s, job),
            ),
          ),
        );
      case 'in_parallel':
        return this.within('.in_parallel', null, () =>
          node.steps.forEach((s, i) =>
            this.within(`.steps[${i}]`, `.in_parallel.steps[${i}]`, () => this.visit(s, job)),
          ),
        );
      case 'try':
        return this.within('.try', '.try', () => this.visit(node.step, job));
      case 'timeout':
        this.visit(node.step, job);
        return this.within('.timeout', null, () => {
          if (parseGoDuration(node.duration) === null) {
            this.error(`invalid duration '${node.duration}'`);
          }
        });
      case 'retry':
        this.visit(node.step, job);
        return this.within('.attempts', null, () => {
          if (node.attempts <= 0) this.error('must be greater than 0');
        });
      case 'across':
        return this.visitAcross(node, job);
      case 'hook':
        this.visit(node.step, job);
        return this.within(`.${node.hook}`, `.${node.hook}`, () => this.visit(node.hookStep, job));
      default:
        return this.visitLeaf(node, job);
    }
  }

  private visitAcross(node: Extract<StepNode, { kind: 'across' }>, job: JobConfig): void {
    this.within('.across', null, () => {
      this.localVarScopes.push(new Set());
      try {
        if (node.vars.length === 0) this.error('no vars specified');
        node.vars.forEach((v, i) =>
          this.within(`[${i}]`, null, () => {
            this.declareLocalVar(v.var);
            this.within('.max_in_flight', null, () => {
              const mif = v.max_in_flight;
              if (typeof mif === 'number' && mif <= 0) this.error('must be greater than 0');
            });
          }),
        );
        this.visit(node.step, job);
      } finally {
        this.localVarScopes.pop();
      }
    });
  }

  private declareLocalVar(name: string): void {
    const current = this.localVarScopes.at(-1)!;
    if (current.has(name)) {
      this.error('repeated var name');
    } else if (this.localVarScopes.some((scope) => scope.has(name))) {
      this.warnings.push({
        type: 'var_shadowed',
        message: this.annotate(`shadows local var '${name}'`),
      });
    }
    current.add(name);
  }

  private visitLeaf(leaf: Leaf, job: JobConfig): void {
    this.within(`.${leaf.kind}(${leaf.name})`, null, () => {
      switch (leaf.kind) {
        case 'run':
          return this.visitRun(leaf);
        case 'get':
          return this.visitGet(leaf);
        case 'put':
          this.checkIdentifier(leaf.name);
          return this.checkResourceExists(resourceOf(leaf));
        case 'task':
          return this.visitTask(leaf.config);
        case 'set_pipeline':
          this.checkIdentifier(leaf.name);
          if (leaf.name === '') {
            this.errors.push(
              `${this.configPath.join('')}.set_pipeline: pipeline name is empty; name the pipeline to set, or use self`,
            );
          }
          if (!leaf.config.file) this.error('no file specified');
          return;
        case 'load_var':
          this.checkIdentifier(leaf.name);
          this.declareLocalVar(leaf.name);
          if (!leaf.config.file) this.error('no file specified');
          return;
      }
    });
    void job;
  }

  private visitRun(leaf: Leaf): void {
    this.context.pop();
    this.context.push(`.run(${leaf.config.type ?? ''}.${leaf.name})`);
    this.checkIdentifier(leaf.name, true);
    const found = (this.config.prototypes ?? []).some((p) => p.name === leaf.config.type);
    if (!found) this.error(`unknown prototype '${leaf.config.type ?? ''}'`);
  }

  private checkResourceExists(resource: string): void {
    if (!(this.config.resources ?? []).some((r) => r.name === resource)) {
      this.error(`unknown resource '${resource}'`);
    }
  }

  private visitGet(leaf: Leaf): void {
    this.checkIdentifier(leaf.name);
    if (this.seenGetNames.has(leaf.name)) this.error('repeated name');
    this.seenGetNames.add(leaf.name);
    const resource = resourceOf(leaf);
    this.checkResourceExists(resource);
    this.within('.passed', null, () => {
      for (const jobGlob of leaf.config.passed ?? []) this.checkPassed(jobGlob, resource);
    });
  }

  private checkPassed(jobGlob: string, resource: string): void {
    const glob = compileGlob(jobGlob);
    if (glob === null) {
      this.error(`invalid glob expression '${jobGlob}'`);
      return;
    }
    let foundJob = false;
    for (const other of this.config.jobs ?? []) {
      if (!glob.test(other.name ?? '')) continue;
      foundJob = true;
      if (!jobUsesResource(other, resource)) {
        this.error(`job '${other.name}' does not interact with resource '${resource}'`);
      }
    }
    if (!foundJob) this.error(`unknown job '${jobGlob}'`);
  }

  private visitTask(step: StepConfig): void {
    this.checkIdentifier(step.task ?? '');
    const hasConfig = step.config !== undefined && step.config !== null;
    if (!hasConfig && !step.file) this.error('must specify either `file:` or `config:`');
    if (hasConfig && step.file) this.error('must specify one of `file:` or `config:`, not both');

    const config = (hasConfig ? step.config : {}) as Record<string, unknown>;
    if (hasConfig && (config.rootfs_uri || config.image_resource) && step.image) {
      this.warnings.push({
        type: 'pipeline',
        message: this.annotate(
          'specifies image: on the step but also specifies an image under config: - the image: on the step takes precedence',
        ),
      });
    }
    if (step.hermetic) {
      this.warnings.push({
        type: 'pipeline',
        message: this.annotate(
          'specifies `hermetic:` only works against worker containerd runtime',
        ),
      });
    }
    if (hasConfig) {
      this.within('.config', null, () => {
        const configPath = `${this.configPath.join('')}.config`;
        for (const message of checkTaskConfig(step.config, configPath)) this.error(message);
      });
    }
  }
}

/** Resources used by each job's gets and puts; like step trees, configs are never mutated. */
const resourcesByJob = new WeakMap<JobConfig, Set<string>>();

function resourcesUsedBy(job: JobConfig): Set<string> {
  let used = resourcesByJob.get(job);
  if (used) return used;
  used = new Set();
  try {
    forEachLeaf(jobStepTree(job, 'jobs'), (leaf) => {
      if (leaf.kind === 'get' || leaf.kind === 'put') used!.add(resourceOf(leaf));
    });
  } catch {
    // A job whose plan does not parse uses no resource; its own errors are reported elsewhere.
    used.clear();
  }
  resourcesByJob.set(job, used);
  return used;
}

/** Whether any get or put of `job` uses `resource`. */
export function jobUsesResource(job: JobConfig, resource: string): boolean {
  return resourcesUsedBy(job).has(resource);
}
