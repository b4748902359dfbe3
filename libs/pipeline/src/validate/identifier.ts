// Concourse's identifier rule for names of pipelines, teams, jobs, resources, steps, ...
import { VAR_PATTERN_SOURCE } from '../vars/var-ref.ts';

export interface ConfigWarning {
  type: 'invalid_identifier' | 'deprecated_field' | 'pipeline' | 'var_shadowed';
  message: string;
}

const START = /^[\p{Ll}\p{Lt}\p{Lm}\p{Lo}0-9]$/u;
const REST = /^[\p{Ll}\p{Lt}\p{Lm}\p{Lo}0-9\-_.]$/u;
/** START then REST characters: one test for the common, valid case. */
const VALID = /^[\p{Ll}\p{Lt}\p{Lm}\p{Lo}0-9][\p{Ll}\p{Lt}\p{Lm}\p{Lo}0-9\-_.]*$/u;
const ONLY_DIGITS = /^[0-9]+$/;
const HAS_VAR = new RegExp(VAR_PATTERN_SOURCE, 'u');

function reasonInvalid(value: string): string | null {
  if (ONLY_DIGITS.test(value)) return 'cannot be just numbers';
  if (VALID.test(value)) return null;
  const chars = [...value];
  if (!START.test(chars[0]!)) return 'must start with a lowercase letter or a number';
  for (const c of chars.slice(1)) {
    if (!REST.test(c)) return `illegal character '${c}'`;
  }
  return null;
}

/**
 * Checks `value` against the identifier rule. Returns an error string for an empty value,
 * a warning for a value the rule does not like, or null. `context` prefixes the message
 * (e.g. `jobs.build.plan.do[0].get(repo)` or `pipeline`).
 */
export function validateIdentifier(value: string, context: string): ConfigWarning | string | null {
  if (value === '') return `${context}: identifier cannot be an empty string`;
  if (context.includes('.across') && HAS_VAR.test(value)) return null;
  const reason = reasonInvalid(value);
  if (reason === null) return null;
  return {
    type: 'invalid_identifier',
    message: `${context}: '${value}' is not a valid identifier: ${reason}`,
  };
}
