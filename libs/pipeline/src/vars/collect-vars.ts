// fly's -v / -y / -l / -i flags turned into the vars used to evaluate a pipeline template.
import { readFileSync } from 'node:fs';
import { MalformedConfigError } from '../errors.ts';
import { loadYaml } from '../yaml/load-yaml.ts';
import { kindOf } from '../config/shape.ts';
import { parseVarRef } from './var-ref.ts';

export interface VarFlags {
  /** `-v key=value`: the value is a string. */
  vars?: string[];
  /** `-y key=yaml`: the value is parsed as YAML. */
  yamlVars?: string[];
  /** `-l path`: a YAML file holding a map of vars. */
  varFiles?: string[];
  /** `-i key=yaml`: instance vars, also usable as vars in the template. */
  instanceVars?: string[];
}

function splitPair(flag: string, pair: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) {
    throw new MalformedConfigError(`${flag} '${pair}' must be of the form key=value`);
  }
  return [pair.slice(0, at), pair.slice(at + 1)];
}

function parseYamlValue(flag: string, text: string | Uint8Array): unknown {
  const loaded = loadYaml(text);
  if ('detail' in loaded) throw new MalformedConfigError(`${flag}: ${loaded.detail}`);
  return loaded.value;
}

/** Sets `value` at a dotted key such as `a.b`, creating maps on the way. */
function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const ref = parseVarRef(key);
  const segments = [ref.path, ...ref.fields];
  let current = target;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (kindOf(next) !== 'object') current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[segments.at(-1)!] = value;
}

/** Later sources win: var files in order, then -y and -v flags, then instance vars. */
export function collectVars(flags: VarFlags): {
  vars: Record<string, unknown>;
  instanceVars: Record<string, unknown> | null;
} {
  const vars: Record<string, unknown> = {};

  for (const file of flags.varFiles ?? []) {
    const value = parseYamlValue(`-l ${file}`, readFileSync(file));
    if (value === null) continue;
    if (kindOf(value) !== 'object') {
      throw new MalformedConfigError(`-l ${file}: vars file must hold a map`);
    }
    Object.assign(vars, value);
  }
  for (const pair of flags.yamlVars ?? []) {
    const [key, text] = splitPair('-y', pair);
    setPath(vars, key, parseYamlValue(`-y ${key}`, text));
  }
  for (const pair of flags.vars ?? []) {
    const [key, value] = splitPair('-v', pair);
    setPath(vars, key, value);
  }

  let instanceVars: Record<string, unknown> | null = null;
  for (const pair of flags.instanceVars ?? []) {
    const [key, text] = splitPair('-i', pair);
    instanceVars ??= {};
    const value = parseYamlValue(`-i ${key}`, text);
    setPath(instanceVars, key, value);
    setPath(vars, key, value);
  }
  return { vars, instanceVars };
}
