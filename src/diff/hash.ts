import { createHash, type Hash } from 'node:crypto';
import type { ObjectRef, Operation } from './plan.js';

/** JSON with object keys sorted at every level, so equal data always serializes equally. */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeCanonical(value, (s) => parts.push(s));
  return parts.join('');
}

/**
 * The plan hash operators pass to `--approve`: the first 16 hex digits of SHA-256 over the
 * canonical JSON of the writes the operations send. What is only there for people reading the
 * plan (names, the values AWS holds now) is left out, so the hash binds exactly what is applied.
 * Streamed per operation: a first sync of 50,000 users has over half a million member
 * references, and building one string for them is the slow part.
 */
export function planHash(operations: readonly Operation[]): string {
  const hash = createHash('sha256');
  const feed = chunked(hash);
  feed('[');
  operations.forEach((op, i) => {
    if (i > 0) feed(',');
    if (op.kind === 'addMembers' || op.kind === 'removeMembers') {
      // Member references are two scalars; as [externalId, id] tuples they hash the same data in a fraction of the time.
      writeCanonical({ kind: op.kind, group: sent(op.group) }, feed);
      feed(JSON.stringify(op.members.map((m) => [m.externalId, m.id ?? null])));
    } else {
      writeCanonical(appliedPart(op), feed);
    }
  });
  feed(']');
  feed.flush();
  return hash.digest('hex').slice(0, 16);
}

function sent(ref: ObjectRef): ObjectRef {
  return { externalId: ref.externalId, ...(ref.id !== undefined ? { id: ref.id } : {}) };
}

function appliedPart(op: Operation): unknown {
  if (op.kind === 'patchUser' || op.kind === 'adoptUser') {
    return { ...op, target: sent(op.target), changes: op.changes.map(({ path, value }) => ({ path, value })) };
  }
  if (op.kind === 'setManager') {
    return { ...op, user: sent(op.user), manager: op.manager === null ? null : sent(op.manager) };
  }
  return 'target' in op ? { ...op, target: sent(op.target) } : op;
}

function writeCanonical(value: unknown, out: (s: string) => void): void {
  if (value === null || typeof value !== 'object') {
    out(value === undefined ? 'null' : JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    out('[');
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out(',');
      writeCanonical(value[i], out);
    }
    out(']');
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  out('{');
  keys.forEach((k, i) => {
    out(i > 0 ? `,${JSON.stringify(k)}:` : `${JSON.stringify(k)}:`);
    writeCanonical(record[k], out);
  });
  out('}');
}

/** Batches small writes into ~64 KiB hash updates. */
function chunked(hash: Hash): ((s: string) => void) & { flush(): void } {
  let buffer = '';
  const feed = ((s: string) => {
    buffer += s;
    if (buffer.length >= 65_536) {
      hash.update(buffer);
      buffer = '';
    }
  }) as ((s: string) => void) & { flush(): void };
  feed.flush = () => {
    if (buffer) hash.update(buffer);
    buffer = '';
  };
  return feed;
}
