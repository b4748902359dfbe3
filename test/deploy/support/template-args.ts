// Reads the argument lists straight from the chart's template files, for machines without helm.
// The templates keep every argument on its own `- --flag=value` line under `args:`, with the
// subcommand first, so the flags can be read without rendering.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface TemplateArgs {
  file: string;
  subcommand: string;
  flags: string[];
}

export function templateFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /(^|\/)templates\/[^/]+\.(yaml|tpl)$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Every `args:` list in the file: its first entry and the long flags of the entries after it. */
export function readArgsLists(path: string, root: string): TemplateArgs[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const lists: TemplateArgs[] = [];
  lines.forEach((line, i) => {
    if (line.trim() !== 'args:') return;
    const indent = indentOf(line);
    const entries: string[] = [];
    for (const next of lines.slice(i + 1)) {
      if (next.trim() === '') continue;
      if (indentOf(next) <= indent && !next.trim().startsWith('{{')) break;
      const entry = /^\s*- "?([^"\s]+)/.exec(next);
      if (entry) entries.push(entry[1]!);
    }
    const [subcommand, ...rest] = entries;
    if (subcommand === undefined) return;
    lists.push({
      file: relative(root, path),
      subcommand,
      flags: rest.map((e) => e.split('=')[0]!),
    });
  });
  return lists;
}

/** The CONCOURSE_* variable names a template sets. */
export function concourseVariables(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(/\b(CONCOURSE_[A-Z0-9_]*[A-Z0-9])\b/g)].map(
    (m) => m[1]!,
  );
}
