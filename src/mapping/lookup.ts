import type { AttributeLookup } from './evaluate.js';

/**
 * A lookup over a JSON record (a Graph user, an Okta profile, a directory-file user): a dotted path walks
 * nested objects, own properties only, so `__proto__` or `constructor` name nothing. Strings, numbers and
 * booleans are values; a list contributes each of its items.
 */
export function recordLookup(record: unknown): AttributeLookup {
  return (path) => {
    let node: unknown = record;
    for (const key of path.split('.')) {
      if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, key)) return [];
      node = (node as Record<string, unknown>)[key];
    }
    return (Array.isArray(node) ? node : [node]).flatMap(scalar);
  };
}

function scalar(value: unknown): string[] {
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  return trimmed === '' ? [] : [trimmed];
}
