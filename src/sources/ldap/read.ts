import type { Group } from '../../model/group.js';
import type { Snapshot, UnresolvedMember } from '../../model/snapshot.js';
import type { LdapDirectory, SearchSpec } from './client.js';
import type { LdapEntry } from './entry.js';
import { configured } from './filters.js';
import { indexLookup, resolveGroup } from './members.js';
import { completeRangedAttributes } from './range.js';
import {
  groupAttributeList,
  memberAttributeList,
  userAttributeList,
  type LdapReadSpec,
  type SearchBase,
} from './spec.js';
import { transformGroup, transformUser, type GroupRecord, type SkippedEntry, type UserRecord } from './transform.js';

export interface LdapReadResult {
  snapshot: Snapshot;
  /** Entries that matched a filter but could not become users or groups (no immutable id, no name). */
  skipped: SkippedEntry[];
}

/**
 * One complete read: every page of users, every page of groups, every range of every member list.
 * Any failure propagates; nothing is returned until the last page was read.
 */
export async function readLdapSnapshot(
  directory: LdapDirectory,
  spec: LdapReadSpec,
  signal: AbortSignal,
  now: () => Date = () => new Date(),
): Promise<LdapReadResult> {
  const readAt = now().toISOString();
  const users = await readUsers(directory, spec, signal);
  const groups = await readGroups(directory, spec, signal);
  assertUniqueIds([...users.records.map((u) => u.user.externalId), ...groups.records.map((g) => g.externalId)]);
  const skipped = [...users.skipped, ...groups.skipped];
  const lookup = indexLookup(users.records, groups.records, skipped);
  const resolvedGroups: Group[] = [];
  const unresolvedMembers: UnresolvedMember[] = [];
  for (const record of groups.records) {
    const { group, unresolved } = await resolveGroup(record, lookup);
    resolvedGroups.push(group);
    unresolvedMembers.push(...unresolved);
  }
  const snapshot: Snapshot = {
    sourceId: spec.sourceId,
    sourceKind: 'ldap',
    users: users.records.map((r) => r.user),
    groups: resolvedGroups,
    readAt,
    unresolvedMembers,
    skipped: [
      ...users.skipped.map((s) => ({ object: 'user' as const, ref: s.dn, reason: s.reason })),
      ...groups.skipped.map((s) => ({ object: 'group' as const, ref: s.dn, reason: s.reason })),
    ],
  };
  return { snapshot, skipped };
}

interface Collected<T> {
  records: T[];
  skipped: SkippedEntry[];
}

async function readUsers(
  directory: LdapDirectory,
  spec: LdapReadSpec,
  signal: AbortSignal,
): Promise<Collected<UserRecord>> {
  const search = searchSpec(spec.users, userAttributeList(spec), spec);
  return collect(directory, search, signal, async (entry) => transformUser(entry, spec));
}

async function readGroups(
  directory: LdapDirectory,
  spec: LdapReadSpec,
  signal: AbortSignal,
): Promise<Collected<GroupRecord>> {
  const search = searchSpec(spec.groups, groupAttributeList(spec), spec);
  return collect(directory, search, signal, async (entry) => {
    signal.throwIfAborted();
    const complete = await completeRangedAttributes(
      directory,
      entry,
      memberAttributeList(spec),
      spec.maxRangeIterations,
    );
    return transformGroup(complete, spec);
  });
}

export function searchSpec(base: SearchBase, attributes: string[], spec: LdapReadSpec): SearchSpec {
  return {
    baseDn: base.baseDn,
    scope: base.scope,
    filter: configured(base.filter),
    attributes,
    binaryAttributes: spec.vendor.binaryAttributes,
  };
}

async function collect<T extends { kind: string }>(
  directory: LdapDirectory,
  search: SearchSpec,
  signal: AbortSignal,
  transform: (entry: LdapEntry) => Promise<T | SkippedEntry>,
): Promise<Collected<T>> {
  const collected: Collected<T> = { records: [], skipped: [] };
  signal.throwIfAborted();
  for await (const page of directory.searchPages(search)) {
    signal.throwIfAborted();
    for (const entry of page) {
      const result = await transform(entry);
      if (isSkipped(result)) collected.skipped.push(result);
      else collected.records.push(result);
    }
  }
  return collected;
}

function isSkipped<T extends { kind: string }>(result: T | SkippedEntry): result is SkippedEntry {
  return result.kind === 'skipped';
}

/** Two entries with one immutable id mean the read is not what it seems (overlapping bases, a broken replica). */
function assertUniqueIds(ids: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id))
      throw new Error(
        `immutable id ${id} appears on more than one entry; check that users.baseDn and groups.baseDn do not overlap with matching filters`,
      );
    seen.add(id);
  }
}
