// Task configs loaded at run time (a task step's `file:`) or given inline, checked strictly.
import { ValidationError } from '../errors.ts';
import { loadYaml } from '../yaml/load-yaml.ts';
import type { TaskConfig } from '../config/types.ts';
import { checkTaskConfig } from './check-task-config.ts';

/** Task params become environment variables: every value is a string (Concourse's TaskEnv). */
export function coerceTaskParams(params: unknown): Record<string, string> | undefined {
  if (params === null || params === undefined || typeof params !== 'object') return undefined;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined) env[k] = '';
    else if (typeof v === 'string') env[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') env[k] = String(v);
    else env[k] = JSON.stringify(v);
  }
  return env;
}

/**
 * Reads a task config from YAML text or an already-parsed value. Throws ValidationError whose
 * `path` is the given path (the task file's name, or the step's config path).
 */
export function parseTaskConfig(textOrValue: string | unknown, path = 'config'): TaskConfig {
  let value: unknown = textOrValue;
  if (typeof textOrValue === 'string') {
    const loaded = loadYaml(textOrValue);
    if ('detail' in loaded) throw new ValidationError(path, [loaded.detail]);
    value = loaded.value;
  }
  const errors = checkTaskConfig(value, path);
  if (errors.length > 0) throw new ValidationError(path, errors);

  const config = { ...(value as TaskConfig) };
  const params = coerceTaskParams(config.params);
  if (params) config.params = params;
  return config;
}
