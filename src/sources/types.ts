import type { SourceKind } from '../model/ids.js';
import type { Snapshot } from '../model/snapshot.js';
import type { Group } from '../model/group.js';
import type { User } from '../model/user.js';

/**
 * The contract every source implements. A read is all-or-nothing: `readSnapshot` resolves only
 * with a complete snapshot and throws `SourceReadError` otherwise, so a partial read never
 * reaches the planner (a partial read planned as complete deleted users in
 * https://github.com/awslabs/ssosync/issues/194).
 */
export interface SourceConnector {
  readonly id: string;
  readonly kind: SourceKind;
  readSnapshot(signal: AbortSignal): Promise<Snapshot>;
  close(): Promise<void>;
}

/**
 * `icsync validate-config --online`: authenticate and make one small read, so a wrong password,
 * base DN, scope or host shows before the first run. Resolves with what was checked (no secret, no
 * personal data), throws `SourceReadError` with the reason otherwise.
 */
export interface SupportsProbe {
  probe(signal: AbortSignal): Promise<string>;
}

export function supportsProbe(s: SourceConnector): s is SourceConnector & SupportsProbe {
  return 'probe' in s && typeof s.probe === 'function';
}

/** Targeted re-reads for webhook-triggered syncs. */
export interface SupportsReread {
  rereadUser(immutableId: string, signal: AbortSignal): Promise<User | null>;
  rereadGroup(immutableId: string, signal: AbortSignal): Promise<Group | null>;
}

export function supportsReread(s: SourceConnector): s is SourceConnector & SupportsReread {
  return 'rereadUser' in s && 'rereadGroup' in s;
}

/**
 * Durable per-source memory between runs (delta links, watermarks, the snapshot they apply to),
 * namespaced by source id by the caller. A source saves only after a complete read, so a crash
 * between read and save merely repeats work.
 */
export interface SourceStateStore {
  load<T>(key: string): Promise<T | undefined>;
  save<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}
