import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal data always hashes equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** The plan hash operators pass to `--approve`: the first 16 hex digits of SHA-256 over the operations. */
export function planHash(operations: unknown): string {
  return createHash('sha256').update(canonicalJson(operations)).digest('hex').slice(0, 16);
}
