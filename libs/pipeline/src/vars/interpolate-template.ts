// fly's side of vars: evaluate ((vars)) in pipeline YAML before sending it.
import { MalformedConfigError } from '../errors.ts';
import { loadYaml } from '../yaml/load-yaml.ts';
import { lookupIn, resolveVars } from './resolve-vars.ts';

/**
 * Evaluates the vars it knows and leaves the others in place; returns the evaluated document
 * as YAML text (JSON form, which every YAML reader reads without ambiguity).
 */
export function interpolateTemplate(yamlText: string, vars: Record<string, unknown>): string {
  const loaded = loadYaml(yamlText);
  if ('detail' in loaded) throw new MalformedConfigError(loaded.detail);
  const evaluated = resolveVars(loaded.value, lookupIn(vars));
  return `${JSON.stringify(evaluated ?? null, null, 2)}\n`;
}
