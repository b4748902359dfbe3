// Decodes a request on stdin the way the upstream mock resource does: Go's json.Decoder with
// unknown fields disallowed, so every extra key anywhere is an error with Go's exact text.

export type Shape =
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'anyMap' }
  | { kind: 'list'; of: StructShape; goType: string }
  | StructShape;

export interface StructShape {
  kind: 'struct';
  goType: string;
  fields: Record<string, Shape>;
}

export class PayloadError extends Error {
  override name = 'PayloadError';
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function goTypeOf(shape: Shape): string {
  switch (shape.kind) {
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'anyMap':
      return 'map[string]interface {}';
    default:
      return shape.goType;
  }
}

interface Context {
  struct: string;
  path: string[];
}

function mismatch(value: unknown, shape: Shape, context: Context | null): PayloadError {
  const target = context
    ? `Go struct field ${context.struct}.${context.path.join('.')}`
    : 'Go value';
  return new PayloadError(
    `json: cannot unmarshal ${jsonKind(value)} into ${target} of type ${goTypeOf(shape)}`,
  );
}

function decodeValue(value: unknown, shape: Shape, context: Context | null): unknown {
  if (value === null) return undefined;
  switch (shape.kind) {
    case 'string':
      if (typeof value !== 'string') throw mismatch(value, shape, context);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw mismatch(value, shape, context);
      return value;
    case 'anyMap':
      if (typeof value !== 'object' || Array.isArray(value)) throw mismatch(value, shape, context);
      return value;
    case 'list':
      if (!Array.isArray(value)) throw mismatch(value, shape, context);
      return value.map((item) => decodeValue(item, shape.of, context));
    case 'struct':
      return decodeStruct(value, shape, context);
  }
}

function decodeStruct(value: unknown, shape: StructShape, context: Context | null) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw mismatch(value, shape, context);
  }
  const result: Record<string, unknown> = {};
  const name = shape.goType.replace(/^.*\./, '');
  for (const [key, item] of Object.entries(value)) {
    const field = shape.fields[key];
    if (!field) throw new PayloadError(`json: unknown field ${JSON.stringify(key)}`);
    const path = [...(context?.path ?? []), key];
    result[key] = decodeValue(item, field, { struct: name, path });
  }
  return result;
}

/** Reads the first JSON value of `text`, as a Go json.Decoder would, and decodes it strictly. */
export function decodePayload(text: string, shape: StructShape): Record<string, unknown> {
  if (text.trim() === '') throw new PayloadError('EOF');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    parsed = parseFirstValue(text, err as Error);
  }
  return decodeStruct(parsed, shape, null);
}

// Text after the first value is ignored by Go's decoder; find where the first value ends.
function parseFirstValue(text: string, original: Error): unknown {
  for (let end = text.length - 1; end > 0; end -= 1) {
    if (text[end] !== '}' && text[end] !== ']') continue;
    try {
      return JSON.parse(text.slice(0, end + 1));
    } catch {
      // keep shrinking
    }
  }
  throw new PayloadError(
    original.message.includes('end of') ? 'unexpected EOF' : 'invalid character in JSON input',
  );
}
