// Label and field selectors with the syntax the Kubernetes API accepts in list and watch queries.
import { badRequest } from '../server/status-error.ts';

type Requirement =
  | { key: string; op: 'eq' | 'ne'; value: string }
  | { key: string; op: 'in' | 'notin'; values: Set<string> }
  | { key: string; op: 'exists' | 'notexists' };

export type Selector = (labels: Record<string, string>) => boolean;

const keyPattern = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function splitTopLevel(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

function checkKey(key: string, selector: string): string {
  if (!keyPattern.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${selector}"`);
  return key;
}

function checkValue(value: string, selector: string): string {
  if (!valuePattern.test(value) || value.length > 63) {
    throw badRequest(
      `unable to parse requirement: invalid label value "${value}" in "${selector}"`,
    );
  }
  return value;
}

function parseRequirement(term: string, selector: string): Requirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (setMatch) {
    const values = setMatch[3]!.split(',').map((v) => checkValue(v.trim(), selector));
    // A set: delete-collection by handle sends hundreds of values, tested against every pod.
    return {
      key: checkKey(setMatch[1]!, selector),
      op: setMatch[2] as 'in' | 'notin',
      values: new Set(values),
    };
  }
  const opMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
  if (opMatch) {
    const op = opMatch[2] === '!=' ? 'ne' : 'eq';
    return {
      key: checkKey(opMatch[1]!, selector),
      op,
      value: checkValue(opMatch[3]!.trim(), selector),
    };
  }
  if (term.startsWith('!'))
    return { key: checkKey(term.slice(1).trim(), selector), op: 'notexists' };
  return { key: checkKey(term, selector), op: 'exists' };
}

function matches(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'eq':
      return has && value === req.value;
    case 'ne':
      return !has || value !== req.value;
    case 'in':
      return has && req.values.has(value!);
    case 'notin':
      return !has || !req.values.has(value!);
    case 'exists':
      return has;
    case 'notexists':
      return !has;
  }
}

export function parseLabelSelector(selector: string | null): Selector {
  if (!selector) return () => true;
  const requirements = splitTopLevel(selector).map((term) => parseRequirement(term, selector));
  return (labels) => requirements.every((req) => matches(req, labels));
}

export type FieldSelector = (object: unknown) => boolean;

function readPath(object: unknown, path: string): string {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null ? '' : String(current);
}

export function parseFieldSelector(
  selector: string | null,
  allowed: readonly string[],
): FieldSelector {
  if (!selector) return () => true;
  const terms = splitTopLevel(selector).map((term) => {
    const match = /^([^=!]+)(==|=|!=)(.*)$/.exec(term);
    if (!match) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const field = match[1]!.trim();
    if (!allowed.includes(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, negate: match[2] === '!=', value: match[3]!.trim() };
  });
  return (object) => terms.every((t) => (readPath(object, t.field) === t.value) !== t.negate);
}
