// The ((var)) syntax: which text is a var, and what a var reference names.

/** Concourse's var pattern: `((source:path.field))`, no spaces. */
export const VAR_PATTERN_SOURCE = '\\(\\((([-/.\\w\\p{L}]+:)?[-/.:@"\\w\\p{L}]+)\\)\\)';

export interface VarRef {
  /** Var source name; `.` for local vars (load_var, across); absent for the pipeline's own. */
  source?: string;
  path: string;
  fields: string[];
}

export function varPattern(): RegExp {
  return new RegExp(VAR_PATTERN_SOURCE, 'gu');
}

/** Splits on dots outside double quotes; quotes are removed and segments trimmed. */
export function splitVarPath(text: string): string[] {
  const segments: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of text) {
    if (c === '"') {
      quoted = !quoted;
    } else if (c === '.' && !quoted) {
      segments.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  segments.push(current.trim());
  return segments;
}

/** Parses the inside of `((...))`. */
export function parseVarRef(name: string): VarRef {
  let rest = name;
  let source: string | undefined;
  const match = /^([-/.\w\p{L}]+):/u.exec(name);
  if (match) {
    source = match[1];
    rest = name.slice(match[0].length);
  }
  const [path = '', ...fields] = splitVarPath(rest);
  return source === undefined ? { path, fields } : { source, path, fields };
}

/** `((name))` for a reference, the inverse of parseVarRef for unquoted names. */
export function formatVarRef(ref: VarRef): string {
  const path = [ref.path, ...ref.fields].join('.');
  return ref.source === undefined ? path : `${ref.source}:${path}`;
}
