// The js-yaml schema that resolves scalars the way go-yaml v2 (YAML 1.1) does: into JSON values,
// what Concourse stores after its YAML -> JSON conversion.
import {
  defineMappingTag,
  defineScalarTag,
  defineSequenceTag,
  mergeTag,
  NOT_RESOLVED,
  Schema,
  seqTag,
  strTag,
  type MappingTagOptions,
  type SequenceTagOptions,
} from 'js-yaml';

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set([
  'n',
  'N',
  'no',
  'No',
  'NO',
  'false',
  'False',
  'FALSE',
  'off',
  'Off',
  'OFF',
]);

const BINARY_INT = /^[-+]?0b[01_]+$/;
const OCTAL_INT = /^[-+]?0[0-7_]+$/;
const DECIMAL_INT = /^[-+]?[0-9][0-9_]*$/;
const HEX_INT = /^[-+]?0x[0-9a-fA-F_]+$/;
const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
/** A digit before or after the point, an optional exponent; or digits with an exponent. */
const FLOAT = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*|[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?$/;
const HAS_POINT_OR_EXPONENT = /[.eE]/;

/** Plain scalars resolve only on a match; an explicit tag that does not match keeps the text. */
function unresolved(source: string, isExplicit: boolean): string | typeof NOT_RESOLVED {
  return isExplicit ? source : NOT_RESOLVED;
}

function parseInteger(source: string, prefixLength: number, radix: number): number {
  const signed = source[0] === '-' || source[0] === '+';
  const digits = source.slice(prefixLength + (signed ? 1 : 0)).replaceAll('_', '');
  const n = parseInt(digits, radix);
  return source[0] === '-' ? -1 * n : n;
}

/** Only underscores after a prefix (`0x_`) parse to NaN; such text stays a string. */

function resolveInteger(source: string): number | typeof NOT_RESOLVED {
  let n = NaN;
  if (BINARY_INT.test(source)) n = parseInteger(source, 2, 2);
  else if (OCTAL_INT.test(source)) n = parseInteger(source, 1, 8);
  else if (DECIMAL_INT.test(source)) n = parseInteger(source, 0, 10);
  else if (HEX_INT.test(source)) n = parseInteger(source, 2, 16);
  return Number.isNaN(n) ? NOT_RESOLVED : n;
}

/** JSON has no NaN or infinities; they are kept as the strings JavaScript prints for them. */
function resolveFloat(source: string): number | string | typeof NOT_RESOLVED {
  if (SPECIAL_FLOAT.test(source)) {
    if (source.endsWith('nan') || source.endsWith('NaN') || source.endsWith('NAN')) return 'NaN';
    return source[0] === '-' ? '-Infinity' : 'Infinity';
  }
  if (FLOAT.test(source) && HAS_POINT_OR_EXPONENT.test(source)) {
    return parseFloat(source.replaceAll('_', ''));
  }
  return NOT_RESOLVED;
}

const DIGITS = [...'0123456789'];

const nullTag = defineScalarTag('tag:yaml.org,2002:null', {
  implicit: true,
  implicitFirstChars: ['', '~', 'n', 'N'],
  resolve: (source, isExplicit) => (NULLS.has(source) ? null : unresolved(source, isExplicit)),
  identify: (value) => value === null,
});

const boolTag = defineScalarTag('tag:yaml.org,2002:bool', {
  implicit: true,
  implicitFirstChars: [...'yYnNtTfFoO'],
  resolve: (source, isExplicit) => {
    if (TRUES.has(source)) return true;
    if (FALSES.has(source)) return false;
    return unresolved(source, isExplicit);
  },
  identify: (value) => typeof value === 'boolean',
});

const intTag = defineScalarTag('tag:yaml.org,2002:int', {
  implicit: true,
  implicitFirstChars: ['-', '+', ...DIGITS],
  resolve: (source, isExplicit) => {
    const n = resolveInteger(source);
    return n === NOT_RESOLVED ? unresolved(source, isExplicit) : n;
  },
  identify: Number.isInteger,
});

const floatTag = defineScalarTag('tag:yaml.org,2002:float', {
  implicit: true,
  implicitFirstChars: ['-', '+', '.', ...DIGITS],
  resolve: (source, isExplicit) => {
    const n = resolveFloat(source);
    return n === NOT_RESOLVED ? unresolved(source, isExplicit) : n;
  },
  identify: (value) => typeof value === 'number',
});

/** Bytes are kept as canonical base64 text, which is what they become in JSON. */
const binaryTag = defineScalarTag('tag:yaml.org,2002:binary', {
  resolve: (source) => Buffer.from(source, 'base64').toString('base64'),
  identify: () => false,
});

/**
 * Mappings load as `Map`s so that keys keep their YAML type while duplicates and merge overrides
 * are checked (`1` and `'1'` are different keys, as in go-yaml); see toPlainTree.
 */
const mappingOptions: MappingTagOptions<Map<unknown, unknown>> = {
  create: () => new Map(),
  addPair: (map, key, value) => {
    map.set(key, value);
    return '';
  },
  has: (map, key) => map.has(key),
  keys: (map) => map.keys(),
  get: (map, key) => map.get(key),
  identify: () => false,
};

const sequenceOptions: SequenceTagOptions<unknown[]> = {
  create: () => [],
  addItem: (seq, item) => {
    seq.push(item);
  },
  identify: Array.isArray,
};

/**
 * Tags go-yaml v2 does not know (local `!tags`, `!!set`, `!!omap`, `!!timestamp`, ...) leave the
 * node as the plain string, list or mapping it is written as.
 */
const anyTag = { matchByTagPrefix: true, identify: () => false } as const;
const untypedScalarTag = defineScalarTag('', { ...anyTag, resolve: (source) => source });
const untypedSequenceTag = defineSequenceTag('', { ...sequenceOptions, ...anyTag });
const untypedMappingTag = defineMappingTag('', { ...mappingOptions, ...anyTag });

export const GO_YAML_SCHEMA = new Schema([
  strTag,
  seqTag,
  defineMappingTag('tag:yaml.org,2002:map', mappingOptions),
  nullTag,
  boolTag,
  intTag,
  floatTag,
  mergeTag,
  binaryTag,
  untypedScalarTag,
  untypedSequenceTag,
  untypedMappingTag,
]);
