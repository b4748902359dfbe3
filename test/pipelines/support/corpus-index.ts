// Reads the fixture corpus INDEX: for each pipeline, the fly vars flags its "Vars needed" column
// names and whether its notes expect set-pipeline to reject it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusEntry {
  file: string;
  /** `-l`, `-v` and `-i` flags for `fly set-pipeline`, vars files as absolute paths. */
  varFlags: string[];
  /** Texts the server's rejection must contain; null when the pipeline must be accepted. */
  expectedErrors: string[] | null;
  /** A config path fly must print under DEPRECATION WARNING (`expected deprecation warning at`). */
  expectedWarning: string | null;
  /** The notes say `validate-pipeline --strict` must call the pipeline invalid. */
  invalidWhenStrict: boolean;
  notes: string;
}

/** `<unique>`-style placeholders become a concrete value fly can send. */
function placeholderValue(name: string, value: string): string {
  const placeholder = /^<([^>]*)>$/.exec(value)?.[1];
  return placeholder === undefined ? value : `${name}-${placeholder.replace(/\W+/g, '-')}`;
}

export function varFlagsFromColumn(column: string, corpusDir: string): string[] {
  const flags: string[] = [];
  for (const m of column.matchAll(/-(l|v|y|i) (\S+)/g)) {
    const [, flag, arg] = m as unknown as [string, string, string];
    if (flag === 'l') {
      flags.push('-l', join(corpusDir, arg));
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq <= 0) continue;
    const name = arg.slice(0, eq);
    flags.push(`-${flag}`, `${name}=${placeholderValue(name, arg.slice(eq + 1))}`);
  }
  return flags;
}

/** `expected invalid: ... ("invalid resources"), "configuration invalid"` lists the texts. */
function expectedErrorsFromNotes(notes: string): string[] | null {
  const at = notes.search(/(^|; )expected invalid/);
  if (at < 0) return null;
  const sentence = notes.slice(at).split(/;|, exit/)[0]!;
  return [...sentence.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
}

export function readCorpusIndex(corpusDir: string): CorpusEntry[] {
  const text = readFileSync(join(corpusDir, 'INDEX.md'), 'utf8');
  const entries: CorpusEntry[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const file = /^`([^`/]+\.yml)`$/.exec(cells[1] ?? '')?.[1];
    if (!file) continue;
    const notes = cells[6] ?? '';
    entries.push({
      file,
      varFlags: varFlagsFromColumn(cells[5] ?? '', corpusDir),
      expectedErrors: expectedErrorsFromNotes(notes),
      expectedWarning: /expected deprecation warning at (\S+?)[;,]/.exec(notes)?.[1] ?? null,
      invalidWhenStrict: /with --strict expected invalid/.test(notes),
      notes,
    });
  }
  return entries;
}
