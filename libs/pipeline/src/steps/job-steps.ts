// A job's plan as one step tree: a `do` of the plan, wrapped by the job's hooks.
import type { JobConfig, StepConfig } from '../config/types.ts';
import { parseStep, type HookKey, type StepNode } from './step-tree.ts';

const JOB_HOOKS_INNERMOST_FIRST: readonly HookKey[] = [
  'on_success',
  'on_failure',
  'on_abort',
  'on_error',
  'ensure',
];

/** Trees hold no paths, so one per job object serves every caller; configs are not mutated. */
const trees = new WeakMap<JobConfig, StepNode>();

/** `path` is the job's config path, e.g. `jobs[2]`, used in parse errors. */
export function jobStepTree(job: JobConfig, path: string): StepNode {
  const cached = trees.get(job);
  if (cached) return cached;
  const tree = buildTree(job, path);
  trees.set(job, tree);
  return tree;
}

function buildTree(job: JobConfig, path: string): StepNode {
  const plan = (job.plan ?? []) as StepConfig[];
  let node: StepNode = {
    kind: 'do',
    steps: plan.map((s, i) => parseStep(s, `${path}.plan[${i}]`)),
    config: { do: plan },
  };
  for (const hook of JOB_HOOKS_INNERMOST_FIRST) {
    const hookConfig = job[hook];
    if (hookConfig === undefined || hookConfig === null) continue;
    node = { kind: 'hook', hook, step: node, hookStep: parseStep(hookConfig, `${path}.${hook}`) };
  }
  return node;
}
