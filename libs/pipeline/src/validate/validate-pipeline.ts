// Concourse's pipeline validation: errors grouped per section in wire form, warnings typed.
import type { PipelineConfig } from '../config/types.ts';
import type { ConfigWarning } from './identifier.ts';
import { validateJobs } from './validate-jobs.ts';
import {
  validateDisplay,
  validateGroups,
  validateResources,
  validateResourceTypes,
  validateVarSources,
  type SectionResult,
} from './validate-sections.ts';

export interface ValidationResult {
  errors: string[];
  warnings: ConfigWarning[];
}

/** `invalid <section>:\n\t<msg>\n\t<msg>\n`, multi-line messages indented line by line. */
function formatSection(section: string, messages: string[]): string {
  const lines = messages.join('\n').split('\n');
  return `invalid ${section}:\n${lines.map((l) => `\t${l}`).join('\n')}\n`;
}

export function validatePipeline(config: PipelineConfig): ValidationResult {
  const { types, prototypes } = validateResourceTypes(config);
  const sections: Array<[string, SectionResult]> = [
    ['groups', validateGroups(config)],
    ['resources', validateResources(config)],
    ['resource types', types],
    ['prototypes', prototypes],
    ['variable sources', validateVarSources(config)],
    ['jobs', validateJobs(config)],
    ['display config', validateDisplay(config)],
  ];

  const result: ValidationResult = { errors: [], warnings: [] };
  for (const [section, { errors, warnings }] of sections) {
    if (errors.length > 0) result.errors.push(formatSection(section, errors));
    result.warnings.push(...warnings);
  }
  return result;
}
