// Task config checks shared by pipeline validation (embedded `config:`) and run-time loading
// (`file:`): strict keys, shapes, and Concourse's required fields.
import { checkShape, kindOf, type Shape } from '../config/shape.ts';

const LIMIT: Shape = { oneOf: ['int', 'string'], name: 'a number or a size such as 2GB' };

const FIELDS: Record<string, Shape> = {
  platform: 'string',
  rootfs_uri: 'string',
  image_resource: {
    object: {
      type: 'string',
      source: 'map',
      params: 'map',
      version: { valuesOf: 'string' },
      name: 'string',
      tags: 'stringList',
    },
  },
  container_limits: { object: { cpu: LIMIT, memory: LIMIT } },
  params: 'map',
  run: { object: { path: 'string', args: 'stringList', dir: 'string', user: 'string' } },
  inputs: { list: { object: { name: 'string', path: 'string', optional: 'bool' } } },
  outputs: { list: { object: { name: 'string', path: 'string' } } },
  caches: { list: { object: { path: 'string', ttl: 'string' } } },
};

const LIST_NOUN: Record<string, string> = {
  inputs: 'inputs',
  outputs: 'outputs',
  caches: 'caches',
};

const MEMORY = /^\s*\d+(\.\d+)?\s*([kmgt]i?b?|b)?\s*$/i;

function checkLimits(value: unknown, path: string): string[] {
  if (kindOf(value) !== 'object') return [];
  const memory = (value as { memory?: unknown }).memory;
  if (typeof memory === 'string' && !MEMORY.test(memory) && !memory.includes('((')) {
    return [`${path}.container_limits.memory: invalid memory limit '${memory}'`];
  }
  return [];
}

/** Everything wrong with a task config, as messages; `path` names where the config sits. */
export function checkTaskConfig(value: unknown, path: string): string[] {
  if (kindOf(value) !== 'object') {
    return [`${path} must be a map, got ${kindOf(value)}`];
  }
  const config = value as Record<string, unknown>;
  const errors: string[] = [];

  const unknown = Object.keys(config).filter((k) => !(k in FIELDS));
  if (unknown.length > 0) {
    errors.push(
      `unknown fields [${unknown
        .sort()
        .map((k) => JSON.stringify(k))
        .join(' ')}]`,
    );
  }

  for (const [key, shape] of Object.entries(FIELDS)) {
    if (!(key in config)) continue;
    const noun = LIST_NOUN[key];
    if (noun && config[key] !== null && !Array.isArray(config[key])) {
      errors.push(`${path}.${key} must be a list of ${noun}, got ${kindOf(config[key])}`);
      continue;
    }
    const err = checkShape(config[key], shape, `${path}.${key}`);
    if (err) errors.push(err);
  }
  errors.push(...checkLimits(config.container_limits, path));

  if (!config.platform) errors.push("missing 'platform'");
  const run = config.run as { path?: unknown } | undefined | null;
  if (!run || !run.path) errors.push('missing path to executable to run');

  const names = (key: 'inputs' | 'outputs', noun: string) => {
    const list = config[key];
    if (!Array.isArray(list)) return;
    list.forEach((item: unknown, i) => {
      const name = kindOf(item) === 'object' ? (item as { name?: unknown }).name : undefined;
      if (!name) errors.push(`  ${noun} in position ${i} is missing a name`);
    });
  };
  names('inputs', 'input');
  names('outputs', 'output');
  return errors;
}
