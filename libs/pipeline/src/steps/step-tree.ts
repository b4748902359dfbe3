// Turns a step map into the nested structure Concourse builds from it (atc/steps.go order):
// hooks and across/attempts wrap the core step; keys nobody consumed become unknown fields.
import { MalformedConfigError } from '../errors.ts';
import { checkShape, kindOf, type Shape } from '../config/shape.ts';
import type { AcrossVarConfig, StepConfig } from '../config/types.ts';

export type HookKey = 'ensure' | 'on_error' | 'on_abort' | 'on_failure' | 'on_success';
export type LeafKind = 'get' | 'put' | 'task' | 'run' | 'set_pipeline' | 'load_var';

/** Outermost first, exactly as they wrap each other. */
export const HOOK_KEYS: readonly HookKey[] = [
  'ensure',
  'on_error',
  'on_abort',
  'on_failure',
  'on_success',
];

interface NodeBase {
  /** Keys of the original step map that no part of the step understood. */
  unknownFields?: string[];
}

export type StepNode = NodeBase &
  (
    | { kind: LeafKind; name: string; config: StepConfig }
    | { kind: 'do'; steps: StepNode[]; config: StepConfig }
    | {
        kind: 'in_parallel';
        steps: StepNode[];
        limit?: number;
        failFast?: boolean;
        config: StepConfig;
      }
    | { kind: 'try'; step: StepNode }
    | { kind: 'timeout'; step: StepNode; duration: string }
    | { kind: 'retry'; step: StepNode; attempts: number }
    | { kind: 'across'; step: StepNode; vars: AcrossVarConfig[]; failFast: boolean }
    | { kind: 'hook'; hook: HookKey; step: StepNode; hookStep: StepNode }
  );

const LEAF_FIELDS: Record<LeafKind, Record<string, Shape>> = {
  get: {
    resource: 'string',
    version: { oneOf: ['string', { valuesOf: 'string' }], name: '"latest", "every" or a version' },
    passed: 'stringList',
    trigger: 'bool',
    params: 'map',
    tags: 'stringList',
    timeout: 'string',
  },
  put: {
    resource: 'string',
    params: 'map',
    inputs: { oneOf: ['string', 'stringList'], name: '"all", "detect" or a list of names' },
    get_params: 'map',
    no_get: 'bool',
    tags: 'stringList',
    timeout: 'string',
  },
  task: {
    file: 'string',
    config: 'any',
    image: 'string',
    privileged: 'bool',
    hermetic: 'bool',
    params: 'map',
    vars: 'map',
    input_mapping: { valuesOf: 'string' },
    output_mapping: { valuesOf: 'string' },
    container_limits: { object: { cpu: 'any', memory: 'any' } },
    tags: 'stringList',
    timeout: 'string',
  },
  run: {
    type: 'string',
    params: 'map',
    privileged: 'bool',
    tags: 'stringList',
    container_limits: { object: { cpu: 'any', memory: 'any' } },
    timeout: 'string',
  },
  set_pipeline: {
    file: 'string',
    team: 'string',
    vars: 'map',
    var_files: 'stringList',
    instance_vars: 'map',
  },
  load_var: { file: 'string', format: 'string', reveal: 'bool' },
};

const CORE_ORDER: readonly LeafKind[] = ['run', 'task', 'put', 'get'];
const LATER_ORDER = ['set_pipeline', 'load_var', 'try', 'do', 'in_parallel'] as const;
const MODIFIER_KEYS = new Set<string>([...HOOK_KEYS, 'across', 'fail_fast', 'attempts', 'timeout']);

function malformed(kind: string, path: string, problem: string): never {
  throw new MalformedConfigError(`${path}: malformed ${kind} step: ${problem}`);
}

function asStep(value: unknown, path: string): StepConfig {
  if (kindOf(value) !== 'object') {
    throw new MalformedConfigError(`${path}: a step must be a map, got ${kindOf(value)}`);
  }
  return value as StepConfig;
}

function parseSteps(value: unknown, kind: string, path: string): StepNode[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value))
    malformed(kind, path, `expected a list of steps, got ${kindOf(value)}`);
  return value.map((s, i) => parseStep(s, `${path}[${i}]`));
}

function parseName(step: StepConfig, key: string, path: string): string {
  const name = step[key];
  if (name === null || name === undefined) return '';
  if (typeof name !== 'string')
    malformed(key, path, `${key} must be a string, got ${kindOf(name)}`);
  return name;
}

function parseCore(step: StepConfig, path: string, used: Set<string>): StepNode | null {
  for (const kind of CORE_ORDER) {
    if (!(kind in step)) continue;
    used.add(kind);
    const fields = LEAF_FIELDS[kind];
    for (const key of Object.keys(fields)) {
      if (!(key in step)) continue;
      used.add(key);
      const err = checkShape(step[key], fields[key]!, `${path}.${key}`);
      if (err) malformed(kind, path, err);
    }
    return { kind, name: parseName(step, kind, path), config: step };
  }

  let node: StepNode | null = null;
  for (const key of LATER_ORDER) {
    if (!(key in step)) continue;
    used.add(key);
    node = parseLater(key, step, path, used);
    break;
  }
  if ('timeout' in step) {
    used.add('timeout');
    if (node === null) return null;
    if (typeof step.timeout !== 'string') malformed('timeout', path, 'timeout must be a string');
    node = { kind: 'timeout', step: node, duration: step.timeout };
  }
  return node;
}

function parseLater(
  key: (typeof LATER_ORDER)[number],
  step: StepConfig,
  path: string,
  used: Set<string>,
): StepNode {
  switch (key) {
    case 'set_pipeline':
    case 'load_var': {
      for (const field of Object.keys(LEAF_FIELDS[key])) {
        if (!(field in step)) continue;
        used.add(field);
        const err = checkShape(step[field], LEAF_FIELDS[key][field]!, `${path}.${field}`);
        if (err) malformed(key, path, err);
      }
      return { kind: key, name: parseName(step, key, path), config: step };
    }
    case 'try':
      return { kind: 'try', step: parseStep(step.try, `${path}.try`) };
    case 'do':
      if ('tags' in step) used.add('tags');
      return { kind: 'do', steps: parseSteps(step.do, 'do', `${path}.do`), config: step };
    case 'in_parallel':
      if ('tags' in step) used.add('tags');
      return parseInParallel(step, path);
  }
}

function parseInParallel(step: StepConfig, path: string): StepNode {
  const value = step.in_parallel;
  if (Array.isArray(value) || value === null) {
    return {
      kind: 'in_parallel',
      steps: parseSteps(value, 'in_parallel', `${path}.in_parallel`),
      config: step,
    };
  }
  const err = checkShape(
    value,
    { object: { steps: { list: 'any' }, limit: 'int', fail_fast: 'bool' } },
    `${path}.in_parallel`,
  );
  if (err) malformed('in_parallel', path, err);
  const cfg = value as { steps?: unknown; limit?: number; fail_fast?: boolean };
  const node: StepNode = {
    kind: 'in_parallel',
    steps: parseSteps(cfg.steps, 'in_parallel', `${path}.in_parallel.steps`),
    config: step,
  };
  if (cfg.limit !== undefined && cfg.limit !== null) node.limit = cfg.limit;
  if (cfg.fail_fast !== undefined && cfg.fail_fast !== null) node.failFast = cfg.fail_fast;
  return node;
}

function parseAcrossVars(value: unknown, path: string): AcrossVarConfig[] {
  const err = checkShape(
    value,
    { list: { object: { var: 'string', values: 'any', max_in_flight: 'any' } } },
    `${path}.across`,
  );
  if (err) malformed('across', path, err);
  const vars = (value ?? []) as AcrossVarConfig[];
  for (const v of vars) {
    const mif = v.max_in_flight;
    if (mif !== undefined && mif !== null && mif !== 'all' && !Number.isInteger(mif)) {
      malformed('across', path, `invalid max_in_flight ${JSON.stringify(mif)}`);
    }
  }
  return vars;
}

/** Wraps `inner` in the modifiers of `step`, innermost last in parse order. */
function wrapModifiers(
  step: StepConfig,
  inner: StepNode,
  path: string,
  used: Set<string>,
): StepNode {
  let node = inner;
  if ('attempts' in step) {
    used.add('attempts');
    if (!Number.isInteger(step.attempts))
      malformed('attempts', path, 'attempts must be an integer');
    node = { kind: 'retry', step: node, attempts: step.attempts! };
  }
  if ('across' in step) {
    used.add('across');
    if ('fail_fast' in step) used.add('fail_fast');
    const vars = parseAcrossVars(step.across, path);
    node = { kind: 'across', step: node, vars, failFast: step.fail_fast === true };
  }
  for (const hook of [...HOOK_KEYS].reverse()) {
    if (!(hook in step)) continue;
    used.add(hook);
    node = { kind: 'hook', hook, step: node, hookStep: parseStep(step[hook], `${path}.${hook}`) };
  }
  return node;
}

/** Parses one step map; throws MalformedConfigError for what Concourse refuses at decode time. */
export function parseStep(value: unknown, path: string): StepNode {
  const step = asStep(value, path);
  const used = new Set<string>();
  const core = parseCore(step, path, used);
  if (core === null) {
    const keys = Object.keys(step);
    if (keys.some((k) => MODIFIER_KEYS.has(k))) {
      throw new MalformedConfigError(`${path}: no core step type declared (e.g. get, put, task)`);
    }
    throw new MalformedConfigError(`${path}: no step configured`);
  }
  const node = wrapModifiers(step, core, path, used);
  const unknown = Object.keys(step).filter((k) => !used.has(k));
  if (unknown.length > 0) node.unknownFields = unknown.sort();
  return node;
}

/** Calls `visit` for every leaf step (get, put, task, ...) in the tree, hooks included. */
export function forEachLeaf(
  node: StepNode,
  visit: (leaf: Extract<StepNode, { kind: LeafKind }>) => void,
): void {
  switch (node.kind) {
    case 'do':
    case 'in_parallel':
      for (const s of node.steps) forEachLeaf(s, visit);
      return;
    case 'try':
    case 'timeout':
    case 'retry':
    case 'across':
      forEachLeaf(node.step, visit);
      return;
    case 'hook':
      forEachLeaf(node.step, visit);
      forEachLeaf(node.hookStep, visit);
      return;
    default:
      visit(node);
  }
}
