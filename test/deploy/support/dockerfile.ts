// A small reader for Dockerfile.build and .dockerignore: enough to check which files the image
// build copies, from which stage, and which files the build context leaves out.
import { readFileSync } from 'node:fs';
import { matchesGlob } from 'node:path';

export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  args: string[];
  raw: string;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

function logicalLines(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function instruction(line: string): Instruction {
  const [keyword = '', ...rest] = line.split(/\s+/);
  const flags: Record<string, string> = {};
  const args: string[] = [];
  for (const word of rest) {
    const flag = /^--([a-z-]+)=(.*)$/.exec(word);
    if (flag && args.length === 0) flags[flag[1]!] = flag[2]!;
    else args.push(word);
  }
  return { keyword: keyword.toUpperCase(), flags, args, raw: line };
}

/** The stages in order, with ARG defaults declared before the first FROM substituted. */
export function readStages(path: string): Stage[] {
  const stages: Stage[] = [];
  const globalArgs: Record<string, string> = {};
  for (const line of logicalLines(readFileSync(path, 'utf8'))) {
    const ins = instruction(line);
    if (ins.keyword === 'ARG' && stages.length === 0) {
      const [name, value = ''] = ins.args[0]!.split('=');
      globalArgs[name!] = value;
      continue;
    }
    if (ins.keyword === 'FROM') {
      const image = ins.args[0]!.replace(/\$\{(\w+)\}/g, (_, n: string) => globalArgs[n] ?? '');
      const as = ins.args.findIndex((a) => a.toUpperCase() === 'AS');
      stages.push({
        name: as >= 0 ? ins.args[as + 1]! : String(stages.length),
        from: image,
        instructions: [],
      });
      continue;
    }
    stages.at(-1)?.instructions.push(ins);
  }
  return stages;
}

/** Whether .dockerignore leaves `file` (relative to the context) out of the build context. */
export function isIgnored(patterns: string[], file: string): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    const hit = matchesGlob(file, pattern) || matchesGlob(file, `${pattern}/**`);
    if (hit) ignored = !negated;
  }
  return ignored;
}

export function readIgnorePatterns(path: string): string[] {
  return logicalLines(readFileSync(path, 'utf8'));
}
