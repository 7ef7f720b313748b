import type { SourceKind } from './ids.js';
import type { Group } from './group.js';
import type { User } from './user.js';

/**
 * A complete read of one source. A source returns one only after the last page of every
 * collection was read; anything less throws instead, because a partial read planned as complete deletes
 * everything it missed (https://github.com/awslabs/ssosync/issues/194).
 */
export interface Snapshot {
  sourceId: string;
  sourceKind: SourceKind;
  users: User[];
  groups: Group[];
  readAt: string;
  /** Member references the source could not resolve to an object in scope (kept for the report). */
  unresolvedMembers: UnresolvedMember[];
  /** Entries the source matched but could not turn into objects (no immutable id, no name); kept for the report. */
  skipped: SkippedSourceEntry[];
  /** What the operator should know about the read as a whole (an insecure bind, objects left out by default, …); for the report. */
  notices?: SourceNotice[];
}

export interface SourceNotice {
  object: 'user' | 'group' | 'source';
  /** Warnings ask for attention; exclusions say what a default left out on purpose. */
  action: 'warning' | 'excluded';
  reason: string;
  /** How many objects the notice stands for, when it summarizes several. */
  count?: number;
  /** The entry the notice is about, when it is about one (its externalId when it has one). */
  externalId?: string;
  field?: string;
}

export interface SkippedSourceEntry {
  object: 'user' | 'group';
  ref: string;
  /** Set when the entry has an immutable id but cannot become an object (no userName, no name). */
  externalId?: string;
  reason: string;
}

export interface UnresolvedMember {
  group: string;
  member: string;
  reason: string;
}
