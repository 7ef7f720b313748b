/**
 * What a run remembers between runs. AWS stays the source of truth for what exists; this only
 * holds what AWS cannot tell us: when an object left scope (for the delete grace period), how big
 * each source was (for the "source shrank" guard), and which group memberships were verified.
 */
export interface GroupMembershipRecord {
  scimId: string;
  /**
   * Our members AWS holds (src/state/member-set.ts): what the last read found, plus every member
   * change applied since. Records of older versions have none and are read again.
   */
  members?: string;
  /** Last time the membership was known exactly: read back from AWS, or created empty by this sync. */
  verifiedAt: string;
}

export interface SyncState {
  version: 1;
  sources: Record<string, { users: number; groups: number; at: string }>;
  outOfScopeSince: Record<string, string>;
  groups: Record<string, GroupMembershipRecord>;
  lastSuccessfulSyncAt?: string;
}

export interface StateStore {
  load(): Promise<SyncState>;
  save(state: SyncState): Promise<void>;
}

export function emptyState(): SyncState {
  return { version: 1, sources: {}, outOfScopeSince: {}, groups: {} };
}
