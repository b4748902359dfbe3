// The source a check runs with: the type's `defaults` under the resource's own source, with vars
// resolved from the pipeline's instance vars and its `dummy` var sources (webhook tokens too).
import { resolveVars, type PipelineConfig, type Source, type VarRef } from '@jetbridge/pipeline';

/** A check that cannot even start: its build errors with this message. */
export class CheckSetupError extends Error {
  override name = 'CheckSetupError';
}

export class UndefinedVarsError extends CheckSetupError {
  override name = 'UndefinedVarsError';
  readonly vars: string[];

  constructor(vars: string[]) {
    super(`undefined vars: ${vars.join(', ')}`);
    this.vars = vars;
  }
}

function varsOf(config: PipelineConfig, sourceName: string | undefined, instanceVars: unknown) {
  if (sourceName === undefined) return (instanceVars ?? {}) as Record<string, unknown>;
  const varSource = (config.var_sources ?? []).find((v) => v.name === sourceName);
  if (varSource?.type !== 'dummy') return null;
  return (varSource.config as { vars?: Record<string, unknown> } | undefined)?.vars ?? {};
}

function lookupVar(vars: Record<string, unknown> | null, ref: VarRef) {
  if (!vars || !Object.hasOwn(vars, ref.path)) return { found: false };
  let value: unknown = vars[ref.path];
  for (const field of ref.fields) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, field)) {
      return { found: false };
    }
    value = (value as Record<string, unknown>)[field];
  }
  return { found: true, value };
}

/**
 * `value` with its `((vars))` resolved from the pipeline's instance vars and its `dummy` var
 * sources. Throws UndefinedVarsError naming every var that could not be resolved.
 */
export function resolvePipelineVars<T>(config: PipelineConfig, value: T, instanceVars: unknown): T {
  const missing: string[] = [];
  const resolved = resolveVars(value, (ref) => {
    const result = lookupVar(varsOf(config, ref.source, instanceVars), ref);
    if (!result.found) missing.push(ref.source ? `${ref.source}:${ref.path}` : ref.path);
    return result;
  });
  if (missing.length > 0) throw new UndefinedVarsError([...new Set(missing)]);
  return resolved;
}

/** Throws UndefinedVarsError naming every var that could not be resolved. */
export function checkSource(
  config: PipelineConfig,
  type: string,
  source: Source | undefined,
  instanceVars: unknown,
): Source {
  const defaults = (config.resource_types ?? []).find((t) => t.name === type)?.defaults ?? {};
  return resolvePipelineVars(config, { ...defaults, ...(source ?? {}) }, instanceVars);
}
