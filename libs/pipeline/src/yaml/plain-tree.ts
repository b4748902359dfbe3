// The loaded tree as plain JSON: js-yaml builds mappings as `Map`s and gives an anchor and all
// its aliases the same object, while a stored config is a tree of plain objects and arrays.

export interface TreeLimits {
  /** Size counts one per node plus the length of every string: what the JSON will weigh. */
  maxSize: number;
  maxDepth: number;
}

export class TreeLimitError extends Error {
  readonly limit: keyof TreeLimits;

  constructor(limit: keyof TreeLimits) {
    super(`tree exceeds ${limit}`);
    this.limit = limit;
  }
}

interface Extent {
  size: number;
  height: number;
}

function childrenOf(value: object): Iterable<unknown> {
  return value instanceof Map ? [...value.keys(), ...value.values()] : (value as unknown[]);
}

const scalarExtent = (value: unknown): Extent => ({
  size: 1 + (typeof value === 'string' ? value.length : 0),
  height: 0,
});

/**
 * Throws TreeLimitError when the tree with every alias expanded would be too big or too deep.
 * Each shared object is measured once, so an alias bomb is measured without being expanded;
 * a recursive alias never ends and fails the depth check.
 */
export function checkExpansion(root: unknown, limits: TreeLimits): void {
  const extents = new Map<object, Extent>();

  const extentOf = (value: unknown, depth: number): Extent => {
    if (value === null || typeof value !== 'object') return scalarExtent(value);
    if (depth > limits.maxDepth) throw new TreeLimitError('maxDepth');

    let extent = extents.get(value);
    if (!extent) {
      extent = { size: 1, height: 0 };
      for (const child of childrenOf(value)) {
        const { size, height } = extentOf(child, depth + 1);
        extent.size += size;
        extent.height = Math.max(extent.height, height + 1);
        if (extent.size > limits.maxSize) throw new TreeLimitError('maxSize');
      }
      extents.set(value, extent);
    }
    if (depth + extent.height > limits.maxDepth) throw new TreeLimitError('maxDepth');
    return extent;
  };

  extentOf(root, 0);
}

/** JSON keys are strings: null becomes '', scalars their text, collections their JSON. */
function keyOf(key: unknown): string {
  if (key === null) return '';
  if (typeof key === 'object') return JSON.stringify(toPlainTree(key));
  return String(key);
}

/** Copies every alias; run checkExpansion first when the document has any. */
export function toPlainTree(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toPlainTree);

  const object: Record<string, unknown> = {};
  for (const [key, item] of value as Map<unknown, unknown>) {
    const name = keyOf(key);
    if (name === '__proto__') {
      // A `__proto__` key is data, not the object's prototype.
      Object.defineProperty(object, name, {
        value: toPlainTree(item),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    } else {
      object[name] = toPlainTree(item);
    }
  }
  return object;
}
