// The `jobs` section: names, log retention, every step, and cycles through `passed`.
import type { JobConfig, PipelineConfig } from '../config/types.ts';
import { forEachLeaf } from '../steps/step-tree.ts';
import { jobStepTree } from '../steps/job-steps.ts';
import { compileGlob } from './glob.ts';
import { validateIdentifier } from './identifier.ts';
import { StepValidator } from './step-validator.ts';
import type { SectionResult } from './validate-sections.ts';

function validateRetention(job: JobConfig, identifier: string, errors: string[]): void {
  const retention = job.build_log_retention;
  const toRetain = job.build_logs_to_retain ?? 0;
  if (retention && toRetain !== 0) {
    errors.push(`${identifier} can't use both build_log_retention and build_logs_to_retain`);
  } else if (toRetain < 0) {
    errors.push(`${identifier} has negative build_logs_to_retain: ${toRetain}`);
  }
  if (!retention) return;
  const { builds = 0, days = 0, minimum_succeeded_builds: minimum = 0 } = retention;
  if (builds < 0) errors.push(`${identifier} has negative build_log_retention.builds: ${builds}`);
  if (days < 0) errors.push(`${identifier} has negative build_log_retention.days: ${days}`);
  if (minimum < 0) {
    errors.push(`${identifier} has negative build_log_retention.min_success_builds: ${minimum}`);
  }
  if (builds > 0 && minimum > builds) {
    errors.push(
      `${identifier} has build_log_retention.min_success_builds: ${minimum} greater than build_log_retention.builds: ${builds}`,
    );
  }
}

/** Job -> jobs named by its `passed` constraints. */
function passedGraph(jobs: JobConfig[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  jobs.forEach((job, i) => {
    const upstream = new Set<string>();
    forEachLeaf(jobStepTree(job, `jobs[${i}]`), (leaf) => {
      if (leaf.kind !== 'get') return;
      for (const jobGlob of leaf.config.passed ?? []) {
        const glob = compileGlob(jobGlob);
        for (const other of jobs) if (glob?.test(other.name ?? '')) upstream.add(other.name);
      }
    });
    graph.set(job.name, upstream);
  });
  return graph;
}

function findCycle(jobs: JobConfig[]): string | null {
  const graph = passedGraph(jobs);
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): boolean => {
    if (state.get(name) === 'done') return false;
    if (state.get(name) === 'visiting') return true;
    state.set(name, 'visiting');
    for (const next of graph.get(name) ?? []) if (visit(next)) return true;
    state.set(name, 'done');
    return false;
  };
  for (const job of jobs) {
    if (state.has(job.name)) continue;
    if (visit(job.name)) return job.name;
  }
  return null;
}

export function validateJobs(c: PipelineConfig): SectionResult {
  const result: SectionResult = { errors: [], warnings: [] };
  const jobs = c.jobs ?? [];
  if (jobs.length === 0) result.errors.push('pipeline must contain at least one job');
  const names = new Map<string, number>();

  jobs.forEach((job, i) => {
    const name = job.name ?? '';
    const identifier = name === '' ? `jobs[${i}]` : `jobs.${name}`;
    const check = validateIdentifier(name, identifier);
    if (check !== null && typeof check !== 'string') result.warnings.push(check);

    const other = names.get(name);
    if (other !== undefined) {
      result.errors.push(`jobs[${other}] and jobs[${i}] have the same name ('${name}')`);
    } else if (name !== '') {
      names.set(name, i);
    }
    if (name === '') result.errors.push(`${identifier} has no name`);

    if (job.build_logs_to_retain !== undefined && job.build_logs_to_retain !== null) {
      result.warnings.push({
        type: 'deprecated_field',
        message: `${identifier}.build_logs_to_retain is deprecated, use build_log_retention instead`,
      });
    }
    validateRetention(job, identifier, result.errors);

    const validator = new StepValidator(c, identifier, identifier);
    validator.validateJob(job, `jobs[${i}]`);
    result.errors.push(...validator.errors);
    result.warnings.push(...validator.warnings);
  });

  const cycleStart = findCycle(jobs);
  if (cycleStart !== null) {
    result.errors.push(`pipeline contains a cycle that starts at Job '${cycleStart}'`);
  }
  return result;
}
