// YAML text -> PipelineConfig, as Concourse's atc.UnmarshalConfig reads it.
import { MalformedConfigError } from '../errors.ts';
import { loadYaml } from '../yaml/load-yaml.ts';
import { jobStepTree } from '../steps/job-steps.ts';
import { checkShape, kindOf } from './shape.ts';
import { SECTION_SHAPES } from './pipeline-shape.ts';
import { TOP_LEVEL_KEYS, type JobConfig, type PipelineConfig } from './types.ts';

const KNOWN_TOP_LEVEL = new Set<string>(TOP_LEVEL_KEYS);

/**
 * Drops unknown top-level keys and checks the shape of the rest. The result is the stored
 * config: the submitted document as JSON.
 */
export function configFromValue(value: unknown): PipelineConfig {
  if (value === null || value === undefined) return {};
  if (kindOf(value) !== 'object') {
    throw new MalformedConfigError(
      `the top level of a pipeline must be a mapping, got ${kindOf(value)}`,
    );
  }

  const config: Record<string, unknown> = {};
  for (const [key, section] of Object.entries(value as Record<string, unknown>)) {
    if (!KNOWN_TOP_LEVEL.has(key)) continue;
    const err = checkShape(section, SECTION_SHAPES[key]!, key);
    if (err) throw new MalformedConfigError(err);
    config[key] = section;
  }

  const jobs = (config.jobs ?? []) as JobConfig[];
  jobs.forEach((job, i) => jobStepTree(job, `jobs[${i}]`));
  return config as PipelineConfig;
}

/** Parses pipeline YAML (YAML 1.1, go-yaml v2 rules). Throws MalformedConfigError. */
export function parsePipeline(text: string | Uint8Array): PipelineConfig {
  const loaded = loadYaml(text);
  if ('detail' in loaded) throw new MalformedConfigError(loaded.detail);
  return configFromValue(loaded.value);
}
