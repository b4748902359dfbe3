// Renders the chart with the real `helm` binary, when this machine has one. The bundled Postgres
// and NATS charts are fetched from their repositories by `helm dependency build`, which tests
// cannot reach, so the chart is rendered from a copy that holds small stand-ins of the same names
// and versions; the stand-in Postgres renders the Secret name its values resolve to.
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  constants,
  cpSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const chartDir = new URL('../../../deploy/chart/', import.meta.url).pathname;

// The oldest Kubernetes the chart supports (Chart.yaml kubeVersion is >=1.25).
const kubeVersion = '1.25.0';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The helm binary: $HELM, then PATH, then where `go install` puts it; null when there is none. */
export function findHelm(): string | null {
  const candidates = [
    process.env.HELM,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'helm')),
    process.env.GOBIN && join(process.env.GOBIN, 'helm'),
    join(process.env.GOPATH ?? join(homedir(), 'go'), 'bin', 'helm'),
  ];
  return candidates.find((c): c is string => !!c && isExecutable(c)) ?? null;
}

const standIns: Record<string, { version: string; template?: string }> = {
  postgresql: {
    version: '16.0.0',
    template: [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: stand-in-postgresql',
      'data:',
      '  existingSecret: {{ tpl .Values.auth.existingSecret $ | quote }}',
      '  adminPasswordKey: {{ .Values.auth.secretKeys.adminPasswordKey | quote }}',
      '',
    ].join('\n'),
  },
  nats: { version: '1.0.0' },
};

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** A copy of the chart with stand-ins for the dependencies fetched from repositories. */
export function chartCopy(): { dir: string; close(): void } {
  const root = mkdtempSync(join(tmpdir(), 'jetbridge-chart-'));
  const dir = join(root, 'jetbridge');
  cpSync(chartDir, dir, { recursive: true });
  for (const [name, standIn] of Object.entries(standIns)) {
    const sub = join(dir, 'charts', name);
    mkdirSync(join(sub, 'templates'), { recursive: true });
    writeFileSync(
      join(sub, 'Chart.yaml'),
      `apiVersion: v2\nname: ${name}\nversion: ${standIn.version}\n`,
    );
    if (standIn.template) writeFileSync(join(sub, 'templates', 'stand-in.yaml'), standIn.template);
  }
  return { dir, close: () => rmSync(root, { recursive: true, force: true }) };
}

function run(helm: string, args: string[]): string {
  try {
    return execFileSync(helm, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`helm ${args.join(' ')} failed: ${e.stderr || e.message}`, { cause: err });
  }
}

export function lintChart(helm: string, dir: string, valuesFile: string): string {
  return run(helm, ['lint', dir, '--kube-version', kubeVersion, '-f', join(dir, 'ci', valuesFile)]);
}

/** `helm template` of the chart copy in `dir` with one of the chart's ci/ values files. */
export function renderChart(
  helm: string,
  dir: string,
  valuesFile: string,
  extraArgs: string[] = [],
): Manifest[] {
  const out = run(helm, [
    'template',
    'ci-release',
    dir,
    '--namespace',
    'ci',
    '--kube-version',
    kubeVersion,
    '-f',
    join(dir, 'ci', valuesFile),
    ...extraArgs,
  ]);
  return parseAllDocuments(out)
    .map((doc) => {
      if (doc.errors.length > 0)
        throw new Error(`helm rendered invalid YAML: ${doc.errors[0]!.message}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((doc): doc is Manifest => doc !== null);
}
