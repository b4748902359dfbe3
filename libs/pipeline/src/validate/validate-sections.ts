// Validation of the non-job sections: groups, resources, resource types, var sources, display.
import type { PipelineConfig } from '../config/types.ts';
import { VAR_PATTERN_SOURCE } from '../vars/var-ref.ts';
import { compileGlob } from './glob.ts';
import { validateIdentifier, type ConfigWarning } from './identifier.ts';
import { jobUsesResource } from './step-validator.ts';

export interface SectionResult {
  errors: string[];
  warnings: ConfigWarning[];
}

function named(
  items: Array<{ name?: string; type?: string }> | null | undefined,
  section: string,
  result: SectionResult,
  requireType = true,
  seen = new Map<string, string>(),
): void {
  (items ?? []).forEach((item, i) => {
    const name = item.name ?? '';
    const identifier = name === '' ? `${section}[${i}]` : `${section}.${name}`;
    const check = validateIdentifier(name, identifier);
    if (check !== null && typeof check !== 'string') result.warnings.push(check);

    const other = seen.get(name);
    if (other !== undefined) {
      result.errors.push(`${other} and ${section}[${i}] have the same name ('${name}')`);
    } else if (name !== '') {
      seen.set(name, `${section}[${i}]`);
    }
    if (name === '') result.errors.push(`${identifier} has no name`);
    if (requireType && !item.type) result.errors.push(`${identifier} has no type`);
  });
}

export function validateGroups(c: PipelineConfig): SectionResult {
  const result: SectionResult = { errors: [], warnings: [] };
  const jobs = c.jobs ?? [];
  const grouped = new Set<string>();
  const counts = new Map<string, number>();

  (c.groups ?? []).forEach((group, i) => {
    const name = group.name ?? '';
    const check = validateIdentifier(name, name === '' ? `groups[${i}]` : `groups.${name}`);
    if (check !== null && typeof check !== 'string') result.warnings.push(check);
    counts.set(name, (counts.get(name) ?? 0) + 1);

    for (const jobGlob of group.jobs ?? []) {
      const glob = compileGlob(jobGlob);
      if (glob === null) {
        result.errors.push(`group '${name}' has invalid glob expression '${jobGlob}'`);
        continue;
      }
      const matches = jobs.filter((j) => glob.test(j.name ?? ''));
      if (matches.length === 0) result.errors.push(`group '${name}' has unknown job '${jobGlob}'`);
      for (const j of matches) grouped.add(j.name);
    }
    for (const resource of group.resources ?? []) {
      if (!(c.resources ?? []).some((r) => r.name === resource)) {
        result.errors.push(`group '${name}' has unknown resource '${resource}'`);
      }
    }
  });

  for (const [name, count] of counts) {
    if (count > 1) {
      result.errors.push(
        `group '${name}' appears ${count} times. Duplicate names are not allowed.`,
      );
    }
  }
  if ((c.groups ?? []).length > 0) {
    for (const job of jobs) {
      if (!grouped.has(job.name)) result.errors.push(`job '${job.name}' belongs to no group`);
    }
  }
  return result;
}

export function validateResources(c: PipelineConfig): SectionResult {
  const result: SectionResult = { errors: [], warnings: [] };
  named(c.resources, 'resources', result);
  for (const resource of c.resources ?? []) {
    if (!(c.jobs ?? []).some((job) => jobUsesResource(job, resource.name))) {
      result.errors.push(`resource '${resource.name}' is not used`);
    }
  }
  return result;
}

/** Resource types and prototypes share one namespace. */
export function validateResourceTypes(c: PipelineConfig): {
  types: SectionResult;
  prototypes: SectionResult;
} {
  const seen = new Map<string, string>();
  const types: SectionResult = { errors: [], warnings: [] };
  const prototypes: SectionResult = { errors: [], warnings: [] };
  named(c.resource_types, 'resource_types', types, true, seen);
  named(c.prototypes, 'prototypes', prototypes, true, seen);
  return { types, prototypes };
}

const PIPELINE_VAR_SOURCE_TYPES = new Set(['vault', 'dummy', 'ssm', 'secretsmanager', 'idtoken']);
const KNOWN_CREDENTIAL_MANAGERS = new Set([
  ...PIPELINE_VAR_SOURCE_TYPES,
  'credhub',
  'kubernetes',
  'conjur',
]);

function referencedSources(config: unknown): Set<string> {
  const found = new Set<string>();
  const text = JSON.stringify(config ?? null);
  for (const m of text.matchAll(new RegExp(VAR_PATTERN_SOURCE, 'gu'))) {
    const source = m[2];
    if (source) found.add(source.slice(0, -1));
  }
  return found;
}

export function validateVarSources(c: PipelineConfig): SectionResult {
  const result: SectionResult = { errors: [], warnings: [] };
  const names = new Set<string>();
  (c.var_sources ?? []).forEach((vs, i) => {
    const name = vs.name ?? '';
    const check = validateIdentifier(
      name,
      name === '' ? `var_sources[${i}]` : `var_sources.${name}`,
    );
    if (check !== null && typeof check !== 'string') result.warnings.push(check);
    if (!KNOWN_CREDENTIAL_MANAGERS.has(vs.type)) {
      result.errors.push(`unknown credential manager type: ${vs.type}`);
      return;
    }
    if (!PIPELINE_VAR_SOURCE_TYPES.has(vs.type)) {
      result.errors.push(`credential manager type ${vs.type} is not supported in pipeline yet`);
    }
    if (names.has(name)) result.errors.push(`duplicate var_source name: ${name}`);
    names.add(name);
  });

  const cycle = findVarSourceCycle(c);
  if (cycle) result.errors.push(`failed to order by dependency: ${cycle}`);
  return result;
}

function findVarSourceCycle(c: PipelineConfig): string | null {
  const deps = new Map<string, Set<string>>();
  for (const vs of c.var_sources ?? []) deps.set(vs.name, referencedSources(vs.config));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (name: string): string | null => {
    if (done.has(name)) return null;
    if (visiting.has(name)) return `could not resolve inter-dependency of var source '${name}'`;
    visiting.add(name);
    for (const dep of deps.get(name) ?? []) {
      if (deps.has(dep)) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    visiting.delete(name);
    done.add(name);
    return null;
  };
  for (const name of deps.keys()) {
    const found = visit(name);
    if (found) return found;
  }
  return null;
}

export function validateDisplay(c: PipelineConfig): SectionResult {
  const result: SectionResult = { errors: [], warnings: [] };
  const image = c.display?.background_image;
  if (!image) return result;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(image)?.[1]?.toLowerCase() ?? '';
  if (scheme !== '' && scheme !== 'http' && scheme !== 'https') {
    result.errors.push('background_image scheme must be either http, https or relative');
  }
  return result;
}
