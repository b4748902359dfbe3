// across: the substep template runs once per combination of the vars' values, each var level at
// most max_in_flight at a time, with the values as local vars of the substep.
import { resolveVars, type Plan } from '@jetbridge/pipeline';
import { ArtifactRepository } from './artifacts.ts';
import { StepError, type Outcome } from './outcome.ts';
import type { BuildRun, Scope } from './run-context.ts';
import { runTasksLimited, type Walk } from './run-limited.ts';

const verbatimKeys = new Set([
  'set_pipeline',
  'load_var',
  'run',
  'artifact_input',
  'artifact_output',
]);

function isPlanNode(record: Record<string, unknown>): boolean {
  return typeof record.id === 'string' && Object.keys(record).length > 1;
}

/** The ids of every plan node in `value`, image plans included. */
function planIds(value: unknown, ids = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) planIds(v, ids);
  else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (isPlanNode(record)) ids.add(record.id as string);
    for (const v of Object.values(record)) planIds(v, ids);
  }
  return ids;
}

/**
 * Gives every plan node of a substep an id unique to its combination; a get's `version_from`
 * that names a node of the substep (an image check, a put) follows it.
 */
export function reidentify(value: unknown, suffix: string): unknown {
  return reidentifyIn(value, suffix, planIds(value));
}

function reidentifyIn(value: unknown, suffix: string, ids: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => reidentifyIn(v, suffix, ids));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const isPlan = isPlanNode(record);
  for (const [k, v] of Object.entries(record)) {
    if (k === 'id' && isPlan) out[k] = `${v as string}/${suffix}`;
    else if (isPlan && (k === 'get' || k === 'put' || k === 'check' || k === 'task')) {
      out[k] = reidentifyLeaf(v as Record<string, unknown>, suffix, ids);
    } else if (isPlan && k === 'across') {
      const across = v as { substep_template: string };
      const template = reidentify(JSON.parse(across.substep_template), suffix);
      out[k] = { ...across, substep_template: JSON.stringify(template) };
    } else if (isPlan && verbatimKeys.has(k)) out[k] = v;
    else out[k] = reidentifyIn(v, suffix, ids);
  }
  return out;
}

// Inside a leaf only the image plans are plans; params, sources and versions stay as written.
function reidentifyLeaf(
  leaf: Record<string, unknown>,
  suffix: string,
  ids: Set<string>,
): Record<string, unknown> {
  const out = { ...leaf };
  if (typeof leaf.version_from === 'string' && ids.has(leaf.version_from)) {
    out.version_from = `${leaf.version_from}/${suffix}`;
  }
  if (leaf.image) out.image = reidentifyIn(leaf.image, suffix, ids);
  return out;
}

export async function runAcross(
  run: BuildRun,
  plan: Plan,
  scope: Scope,
  walk: Walk,
): Promise<Outcome> {
  const across = plan.across!;
  const lookup = scope.vars.lookup();
  const levels = across.vars.map((v) => {
    const values = resolveVars(v.values, lookup);
    if (!Array.isArray(values)) throw new StepError(`across var ${v.name}: values must be a list`);
    const limit = v.max_in_flight === 'all' ? 0 : (v.max_in_flight ?? 1);
    return { name: v.name, values, limit };
  });
  const template = JSON.parse(across.substep_template) as Plan;
  const failFast = across.fail_fast === true;

  const runLevel = (level: number, position: number[], current: Scope): Promise<Outcome> => {
    const { name, values, limit } = levels[level]!;
    return runTasksLimited(values.length, limit, current, failFast, (i, s) => {
      const vars = s.vars.child();
      vars.set(name, values[i]);
      const child: Scope = { ...s, vars, artifacts: new ArtifactRepository(s.artifacts) };
      const here = [...position, i];
      if (level + 1 < levels.length) return runLevel(level + 1, here, child);
      const substep = reidentify(template, here.join('-')) as Plan;
      return walk(run, substep, child);
    });
  };
  if (levels.length === 0 || levels.some((l) => l.values.length === 0)) return 'succeeded';
  return runLevel(0, [], scope);
}
