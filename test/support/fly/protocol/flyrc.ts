// ~/.flyrc in fly's format: sigs.k8s.io/yaml output, i.e. keys sorted, two-space indents.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export interface TargetToken {
  type: string;
  value: string;
}

export interface TargetProps {
  api: string;
  team: string;
  insecure?: boolean;
  token?: TargetToken;
  ca_cert?: string;
}

export type Targets = Record<string, TargetProps>;

export function flyrcPath(home: string): string {
  return join(home, '.flyrc');
}

export async function loadTargets(home: string): Promise<Targets> {
  let text: string;
  try {
    text = await readFile(flyrcPath(home), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let doc: { targets?: Record<string, Partial<TargetProps>> | null } | null;
  try {
    doc = parse(text) as typeof doc;
  } catch (err) {
    throw new Error(`in the file '${flyrcPath(home)}': ${(err as Error).message}`);
  }
  const targets: Targets = {};
  for (const [name, props] of Object.entries(doc?.targets ?? {})) {
    targets[name] = { ...props, api: props?.api ?? '', team: props?.team || 'main' };
  }
  return targets;
}

function toDocument(props: TargetProps): Record<string, unknown> {
  const doc: Record<string, unknown> = { api: props.api, team: props.team };
  if (props.insecure) doc.insecure = true;
  if (props.token) doc.token = { type: props.token.type, value: props.token.value };
  if (props.ca_cert) doc.ca_cert = props.ca_cert;
  return doc;
}

export async function writeTargets(home: string, targets: Targets): Promise<void> {
  const doc: Record<string, unknown> = {};
  for (const [name, props] of Object.entries(targets)) doc[name] = toDocument(props);
  const text = stringify({ targets: doc }, { sortMapEntries: true, indent: 2, lineWidth: 0 });
  await writeFile(flyrcPath(home), text, { mode: 0o600 });
}
