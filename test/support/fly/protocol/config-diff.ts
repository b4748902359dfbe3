// set-pipeline's config diff: per section, each named item added, removed or changed, shown as
// a line diff of its YAML (keys sorted, as fly's sigs.k8s.io/yaml prints), in fly's colours.
import { stringify } from 'yaml';
import type { FlyIO } from './io.ts';

const YELLOW = '\x1b[33m';
const GREEN = '\x1b[32m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

type Item = { name?: unknown } & Record<string, unknown>;
type Config = Record<string, unknown> | null | undefined;

function toYaml(value: unknown): string {
  if (value === undefined || value === null) return '';
  return stringify(value, { sortMapEntries: true, indentSeq: false, lineWidth: 0 });
}

/** aryann/difflib's Diff: common head and tail kept, its LCS walk over suffixes in between. */
function lineDiff(a: string[], b: string[]): Array<[' ' | '+' | '-', string]> {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  for (let i = a.length - 1, j = b.length - 1; i > start && j > start && a[i] === b[j]; i--, j--)
    end++;
  const x = a.slice(start, a.length - end);
  const y = b.slice(start, b.length - end);
  // m[i][j]: LCS length of the last i lines of x and the last j lines of y.
  const m = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      m[i]![j] =
        x[x.length - i] === y[y.length - j]
          ? m[i - 1]![j - 1]! + 1
          : Math.max(m[i - 1]![j]!, m[i]![j - 1]!);
    }
  }
  const out: Array<[' ' | '+' | '-', string]> = a.slice(0, start).map((l) => [' ', l]);
  let i = x.length;
  let j = y.length;
  while (i > 0 || j > 0) {
    if (i > 0 && m[i]![j] === m[i - 1]![j]) {
      out.push(['-', x[x.length - i]!]);
      i--;
    } else if (j > 0 && m[i]![j] === m[i]![j - 1]) {
      out.push(['+', y[y.length - j]!]);
      j--;
    } else {
      out.push([' ', x[x.length - i]!]);
      i--;
      j--;
    }
  }
  for (const l of a.slice(a.length - end)) out.push([' ', l]);
  return out;
}

function render(io: FlyIO, label: string, before: unknown, after: unknown): void {
  const name = String(((before ?? after) as Item).name ?? '');
  const what =
    before !== undefined && after !== undefined
      ? 'has changed'
      : before !== undefined
        ? 'has been removed'
        : 'has been added';
  io.println(`  ${YELLOW}${label} ${name} ${what}:${RESET}`);
  for (const [kind, text] of lineDiff(toYaml(before).split('\n'), toYaml(after).split('\n'))) {
    if (kind === ' ') io.println(`  ${text}`);
    else {
      const color = kind === '+' ? GREEN : RED;
      io.println(`  \b\b${color}${kind}${RESET} ${color}${text}${RESET}`);
    }
  }
}

function items(config: Config, key: string): Item[] {
  const list = config?.[key];
  return Array.isArray(list) ? (list as Item[]) : [];
}

function section(
  io: FlyIO,
  heading: string,
  label: string,
  old: Item[],
  next: Item[],
  ordered: boolean,
): boolean {
  const diffs: Array<[unknown, unknown]> = [];
  old.forEach((item, index) => {
    const newIndex = next.findIndex((n) => n.name === item.name);
    if (newIndex === -1) return diffs.push([item, undefined]);
    const other = next[newIndex];
    if (toYaml(item) !== toYaml(other)) diffs.push([item, other]);
    if (ordered && index !== newIndex) diffs.push([item, other]);
  });
  for (const item of next)
    if (!old.some((o) => o.name === item.name)) diffs.push([undefined, item]);
  if (diffs.length === 0) return false;
  io.println(heading);
  for (const [before, after] of diffs) render(io, label, before, after);
  return true;
}

/** atc.Config.Diff: prints the differences to stdout and tells whether there were any. */
export function printConfigDiff(io: FlyIO, existing: Config, next: Config): boolean {
  let changed = false;
  const sections: Array<[string, string, string, boolean]> = [
    ['groups', 'groups:', 'group', true],
    ['var_sources', 'variable source:', 'variable source', false],
    ['resources', 'resources:', 'resource', false],
    ['resource_types', 'resource types:', 'resource type', false],
    ['jobs', 'jobs:', 'job', false],
  ];
  for (const [key, heading, label, ordered] of sections) {
    if (section(io, heading, label, items(existing, key), items(next, key), ordered))
      changed = true;
  }
  const before = existing?.display;
  const after = next?.display;
  if ((before || after) && toYaml(before) !== toYaml(after)) {
    changed = true;
    const what = before && after ? 'has changed' : before ? 'has been removed' : 'has been added';
    io.println(`  ${YELLOW}display configuration ${what}:${RESET}`);
    for (const [kind, text] of lineDiff(toYaml(before).split('\n'), toYaml(after).split('\n'))) {
      if (kind === ' ') io.println(`  ${text}`);
      else {
        const color = kind === '+' ? GREEN : RED;
        io.println(`  \b\b${color}${kind}${RESET} ${color}${text}${RESET}`);
      }
    }
  }
  return changed;
}
