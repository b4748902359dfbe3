// Job name globs as Concourse accepts them in `passed` and group `jobs`: * ? [...] {a,b}.

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/**
 * Validation compiles the same job names again and again (every `passed`, every group, every
 * time a pipeline is set); the bound keeps hostile configs from growing the cache.
 */
const compiled = new Map<string, RegExp | null>();
const MAX_CACHED_GLOBS = 10_000;

/** Compiles a glob to a RegExp, or returns null when the glob is malformed. */
export function compileGlob(glob: string): RegExp | null {
  const cached = compiled.get(glob);
  if (cached !== undefined) return cached;
  if (compiled.size >= MAX_CACHED_GLOBS) compiled.clear();
  const regex = globToRegex(glob);
  compiled.set(glob, regex);
  return regex;
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
