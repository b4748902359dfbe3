// Replaces ((vars)) inside parsed JSON values. A var that is the whole string keeps the
// type of its value; embedded in text it is stringified. Unresolved vars stay as written.
import { parseVarRef, varPattern, type VarRef } from './var-ref.ts';

export type VarLookup = (ref: VarRef) => { found: boolean; value?: unknown };

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function resolveString(text: string, lookup: VarLookup): unknown {
  if (!text.includes('((')) return text;
  const pattern = varPattern();
  const whole = pattern.exec(text);
  if (whole && whole.index === 0 && whole[0].length === text.length) {
    const result = lookup(parseVarRef(whole[1]!));
    return result.found ? result.value : text;
  }
  return text.replace(varPattern(), (all, name: string) => {
    const result = lookup(parseVarRef(name));
    return result.found ? stringify(result.value) : all;
  });
}

function resolveValue(value: unknown, lookup: VarLookup): unknown {
  if (typeof value === 'string') return resolveString(value, lookup);
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, lookup));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[stringify(resolveString(k, lookup))] = resolveValue(v, lookup);
    }
    return out;
  }
  return value;
}

/** Returns a copy of `value` with every var the lookup finds replaced. */
export function resolveVars<T>(value: T, lookup: VarLookup): T {
  return resolveValue(value, lookup) as T;
}

/** A lookup over a plain vars object, following `fields` into nested maps. */
export function lookupIn(vars: Record<string, unknown>): VarLookup {
  return (ref) => {
    if (ref.source !== undefined) return { found: false };
    if (!Object.hasOwn(vars, ref.path)) return { found: false };
    let current: unknown = vars[ref.path];
    for (const field of ref.fields) {
      if (current === null || typeof current !== 'object' || !Object.hasOwn(current, field)) {
        return { found: false };
      }
      current = (current as Record<string, unknown>)[field];
    }
    return { found: true, value: current };
  };
}
