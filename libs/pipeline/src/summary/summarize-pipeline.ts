// What the web service stores about a pipeline's jobs, resources and resource types.
import type { JobConfig, PipelineConfig, Source } from '../config/types.ts';
import { forEachLeaf } from '../steps/step-tree.ts';
import { jobStepTree } from '../steps/job-steps.ts';
import { compileGlob } from '../validate/glob.ts';

export interface JobInputSummary {
  name: string;
  resource: string;
  trigger: boolean;
  passed?: string[];
  version?: 'latest' | 'every' | Record<string, string>;
}

export interface JobSummary {
  name: string;
  oldName?: string;
  public: boolean;
  serial: boolean;
  serialGroups: string[];
  /** 0 means unlimited. */
  maxInFlight: number;
  interruptible: boolean;
  disableManualTrigger: boolean;
  disableReruns: boolean;
  groups: string[];
  inputs: JobInputSummary[];
  outputs: Array<{ name: string; resource: string }>;
  config: JobConfig;
}

export interface ResourceSummary {
  name: string;
  oldName?: string;
  type: string;
  source: Source;
  checkEvery?: string;
  checkTimeout?: string;
  tags: string[];
  public: boolean;
  icon?: string;
  webhookToken?: string;
  pinnedVersion?: Record<string, string>;
  groups: string[];
}

export interface ResourceTypeSummary {
  name: string;
  type: string;
  source: Source;
  defaults?: Source;
  privileged: boolean;
  checkEvery?: string;
  tags: string[];
  params?: Record<string, unknown>;
}

export interface PipelineSummary {
  jobs: JobSummary[];
  resources: ResourceSummary[];
  resourceTypes: ResourceTypeSummary[];
  prototypes: ResourceTypeSummary[];
  groups: Array<{ name: string; jobs: string[]; resources: string[] }>;
}

/** Job names matched by a group's job globs. */
function groupJobs(jobGlobs: string[], jobs: JobConfig[]): string[] {
  const names: string[] = [];
  for (const jobGlob of jobGlobs) {
    const glob = compileGlob(jobGlob);
    for (const job of jobs) {
      if (glob?.test(job.name) && !names.includes(job.name)) names.push(job.name);
    }
  }
  return names;
}

function summarizeJob(
  job: JobConfig,
  index: number,
  groups: PipelineSummary['groups'],
): JobSummary {
  const inputs: JobInputSummary[] = [];
  const outputs: Array<{ name: string; resource: string }> = [];
  forEachLeaf(jobStepTree(job, `jobs[${index}]`), (leaf) => {
    const resource = leaf.config.resource ?? leaf.name;
    if (leaf.kind === 'get') {
      const input: JobInputSummary = { name: leaf.name, resource, trigger: !!leaf.config.trigger };
      if (leaf.config.passed?.length) input.passed = leaf.config.passed;
      if (leaf.config.version) input.version = leaf.config.version;
      inputs.push(input);
    } else if (leaf.kind === 'put') {
      outputs.push({ name: leaf.name, resource });
    }
  });
  const serialGroups = job.serial_groups ?? [];
  const serial = !!job.serial;
  const summary: JobSummary = {
    name: job.name,
    public: !!job.public,
    serial,
    serialGroups,
    maxInFlight: serial || serialGroups.length > 0 ? 1 : (job.max_in_flight ?? 0),
    interruptible: !!job.interruptible,
    disableManualTrigger: !!job.disable_manual_trigger,
    disableReruns: !!job.disable_reruns,
    groups: groups.filter((g) => g.jobs.includes(job.name)).map((g) => g.name),
    inputs,
    outputs,
    config: job,
  };
  if (job.old_name) summary.oldName = job.old_name;
  return summary;
}

function summarizeTypes(types: PipelineConfig['resource_types']): ResourceTypeSummary[] {
  return (types ?? []).map((t) => {
    const summary: ResourceTypeSummary = {
      name: t.name,
      type: t.type,
      source: t.source ?? {},
      privileged: !!t.privileged,
      tags: t.tags ?? [],
    };
    if (t.defaults) summary.defaults = t.defaults;
    if (t.check_every) summary.checkEvery = t.check_every;
    if (t.params) summary.params = t.params;
    return summary;
  });
}

export function summarizePipeline(config: PipelineConfig): PipelineSummary {
  const jobs = config.jobs ?? [];
  const groups = (config.groups ?? []).map((g) => ({
    name: g.name,
    jobs: groupJobs(g.jobs ?? [], jobs),
    resources: g.resources ?? [],
  }));
  const resources = (config.resources ?? []).map((r) => {
    const summary: ResourceSummary = {
      name: r.name,
      type: r.type,
      source: r.source ?? {},
      tags: r.tags ?? [],
      public: !!r.public,
      groups: groups.filter((g) => g.resources.includes(r.name)).map((g) => g.name),
    };
    if (r.old_name) summary.oldName = r.old_name;
    if (r.check_every) summary.checkEvery = r.check_every;
    if (r.check_timeout) summary.checkTimeout = r.check_timeout;
    if (r.icon) summary.icon = r.icon;
    if (r.webhook_token) summary.webhookToken = r.webhook_token;
    if (r.version) summary.pinnedVersion = r.version;
    return summary;
  });
  return {
    jobs: jobs.map((job, i) => summarizeJob(job, i, groups)),
    resources,
    resourceTypes: summarizeTypes(config.resource_types),
    prototypes: summarizeTypes(config.prototypes),
    groups,
  };
}
