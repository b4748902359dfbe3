// A small structural checker: Concourse decodes everything below the top level strictly,
// so wrong types and unknown keys must be reported with the path where they occur.

export type Shape =
  | 'string'
  | 'bool'
  | 'int'
  | 'number'
  | 'any'
  | 'map'
  | 'stringList'
  | { list: Shape }
  | { object: Record<string, Shape>; open?: boolean }
  | { valuesOf: Shape }
  | { oneOf: Shape[]; name: string };

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

function describe(shape: Shape): string {
  if (typeof shape === 'string') {
    return shape === 'bool' ? 'boolean' : shape === 'map' ? 'object' : shape;
  }
  if ('list' in shape) return 'array';
  if ('oneOf' in shape) return shape.name;
  return 'object';
}

/** Returns the first mismatch as `<path>: <problem>`, or null. null values always pass (Go zero value). */
export function checkShape(value: unknown, shape: Shape, path: string): string | null {
  if (value === null || value === undefined || shape === 'any') return null;
  const mismatch = () => `${path}: expected ${describe(shape)}, got ${kindOf(value)}`;

  if (typeof shape === 'string') {
    switch (shape) {
      case 'string':
        return typeof value === 'string' ? null : mismatch();
      case 'bool':
        return typeof value === 'boolean' ? null : mismatch();
      case 'int':
        return Number.isInteger(value) ? null : mismatch();
      case 'number':
        return typeof value === 'number' ? null : mismatch();
      case 'map':
        return kindOf(value) === 'object' ? null : mismatch();
      case 'stringList':
        return checkShape(value, { list: 'string' }, path);
    }
  }
  if ('oneOf' in shape) {
    return shape.oneOf.some((s) => checkShape(value, s, path) === null) ? null : mismatch();
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return mismatch();
    for (let i = 0; i < value.length; i++) {
      const err = checkShape(value[i], shape.list, `${path}[${i}]`);
      if (err) return err;
    }
    return null;
  }
  if (kindOf(value) !== 'object') return mismatch();
  const record = value as Record<string, unknown>;
  if ('valuesOf' in shape) {
    for (const [k, v] of Object.entries(record)) {
      const err = checkShape(v, shape.valuesOf, `${path}.${k}`);
      if (err) return err;
    }
    return null;
  }
  for (const [k, v] of Object.entries(record)) {
    const field = shape.object[k];
    if (field === undefined) {
      if (shape.open) continue;
      return `${path}: unknown field "${k}"`;
    }
    const err = checkShape(v, field, `${path}.${k}`);
    if (err) return err;
  }
  return null;
}
