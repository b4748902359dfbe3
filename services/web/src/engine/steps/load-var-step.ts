// load_var: a file from an artifact becomes a local var, parsed by format (json, yaml, trim, raw;
// by default from the file's extension, else trim).
import { parse as parseYaml } from 'yaml';
import type { Plan } from '@jetbridge/pipeline';
import type { BuildRun, Scope } from '../plan/run-context.ts';
import { StepError } from '../plan/outcome.ts';
import type { ContainerStepResult } from './container-step.ts';
import { runPlainStep } from './plain-step.ts';
import { readArtifactFile } from './read-artifact-file.ts';

function formatOf(file: string, format: string | undefined): string {
  if (format) return format;
  if (file.endsWith('.json')) return 'json';
  if (file.endsWith('.yml') || file.endsWith('.yaml')) return 'yaml';
  return 'trim';
}

export function parseVarFile(text: string, format: string, file: string): unknown {
  try {
    switch (format) {
      case 'json':
        return JSON.parse(text);
      case 'yaml':
      case 'yml':
        return parseYaml(text);
      case 'raw':
        return text;
      case 'trim':
        return text.trim();
      default:
        throw new StepError(`invalid format ${format}`);
    }
  } catch (err) {
    if (err instanceof StepError) throw err;
    throw new StepError(`failed to parse ${file} in format ${format}: ${(err as Error).message}`);
  }
}

export async function runLoadVarStep(
  run: BuildRun,
  scope: Scope,
  plan: Plan,
): Promise<ContainerStepResult> {
  const loadVar = plan.load_var!;
  return runPlainStep(run, scope, {
    planId: plan.id,
    announce: true,
    work: async () => {
      const text = await readArtifactFile(run, scope, loadVar.file);
      const value = parseVarFile(text, formatOf(loadVar.file, loadVar.format), loadVar.file);
      return { ok: true, result: { localVar: { name: loadVar.name, value } } };
    },
  });
}
