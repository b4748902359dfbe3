// Job name globs as Concourse accepts them in `passed` and group `jobs`: * ? [...] {a,b}.

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

export interface GlobMatcher {
  test(name: string): boolean;
}

const GLOB_SYNTAX = /[\\*?[{]/;

/**
 * Compiles a glob, or returns null when the glob is malformed. Most globs are plain job names,
 * matched by comparison: validation tests each one against every job of the pipeline.
 */
export function compileGlob(glob: string): GlobMatcher | null {
  if (!GLOB_SYNTAX.test(glob)) return { test: (name) => name === glob };
  return globToRegex(glob);
}

function globToRegex(glob: string): RegExp | null {
  let out = '';
  let braceDepth = 0;
  const chars = [...glob];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') {
      const next = chars[++i];
      if (next === undefined) return null;
      out += escapeRegex(next);
    } else if (c === '*') {
      out += '.*';
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      const end = chars.indexOf(']', i + 1);
      if (end < 0) return null;
      let cls = chars.slice(i + 1, end).join('');
      if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      out += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      braceDepth++;
      out += '(?:';
    } else if (c === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (c === ',' && braceDepth > 0) {
      out += '|';
    } else {
      out += escapeRegex(c);
    }
  }
  if (braceDepth !== 0) return null;
  try {
    return new RegExp(`^${out}$`, 'u');
  } catch {
    return null;
  }
}
