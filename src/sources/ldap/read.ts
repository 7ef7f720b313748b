import type { Group } from '../../model/group.js';
import type { SourceNotice, Snapshot, UnresolvedMember } from '../../model/snapshot.js';
import type { LdapDirectory, SearchSpec } from './client.js';
import type { LdapEntry } from './entry.js';
import { configured } from './filters.js';
import { normalizeDn } from './dn.js';
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
  const allUsers = await readUsers(directory, spec, signal);
  const allGroups = await readGroups(directory, spec, signal);
  assertUniqueIds([...allUsers.records.map((u) => u.user.externalId), ...allGroups.records.map((g) => g.externalId)]);
  const users = withoutSystemObjects(allUsers, spec);
  const groups = withoutSystemObjects(allGroups, spec);
  addPrimaryGroupMembers(users.records, groups.records);
  resolveManagerDns(users.records);
  const skipped = [...users.skipped, ...groups.skipped];
  const lookup = indexLookup(users.records, groups.records, skipped, [...users.excluded, ...groups.excluded]);
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
      ...users.skipped.map((s) => ({ object: 'user' as const, ref: s.dn, reason: s.reason, ...idOf(s) })),
      ...groups.skipped.map((s) => ({ object: 'group' as const, ref: s.dn, reason: s.reason, ...idOf(s) })),
    ],
    notices: readNotices(users.excluded.length, groups.excluded.length, allGroups),
  };
  return { snapshot, skipped };
}

function idOf(s: SkippedEntry): { externalId?: string } {
  return s.externalId === undefined ? {} : { externalId: s.externalId };
}

/** System objects are left out unless asked for (ad-objects.ts); counted, since a silent filter hides surprises. */
function withoutSystemObjects<T extends { system: boolean; dn: string }>(
  read: Collected<T>,
  spec: LdapReadSpec,
): Collected<T> & { excluded: T[] } {
  if (spec.includeSystemObjects) return { ...read, excluded: [] };
  return { ...read, records: read.records.filter((r) => !r.system), excluded: read.records.filter((r) => r.system) };
}

/**
 * A mapped `manager` holds the manager's DN (RFC 4524 §2.10 `manager`, AD `manager`); it names a synced user when
 * that DN is one of the users this read returned. Others stay unresolved and are reported by the planner.
 */
function resolveManagerDns(users: readonly UserRecord[]): void {
  const byDn = new Map(users.map((u) => [normalizeDn(u.dn), u.user.externalId]));
  for (const { user } of users) {
    if (user.manager === undefined || user.manager === null) continue;
    const externalId = byDn.get(normalizeDn(user.manager.ref));
    if (externalId !== undefined) user.manager = { ...user.manager, externalId };
  }
}

/** Users named by their primary group's SID join it as direct members, since `member` never lists them (ad-objects.ts). */
function addPrimaryGroupMembers(users: readonly UserRecord[], groups: readonly GroupRecord[]): void {
  const bySid = new Map(groups.flatMap((g) => (g.sid === undefined ? [] : [[g.sid, g] as const])));
  for (const u of users) {
    const group = u.primaryGroupSid === undefined ? undefined : bySid.get(u.primaryGroupSid);
    if (group !== undefined) group.memberDns.push(u.dn);
  }
}

function readNotices(excludedUsers: number, excludedGroups: number, groups: Collected<GroupRecord>): SourceNotice[] {
  const notices: SourceNotice[] = [];
  const excluded = (object: 'user' | 'group', count: number): void => {
    if (count === 0) return;
    const reason = `${count} built-in or critical system ${object}s (isCriticalSystemObject, well-known SIDs) were left out; includeSystemObjects: true syncs them`;
    notices.push({ object, action: 'excluded', count, reason });
  };
  excluded('user', excludedUsers);
  excluded('group', excludedGroups);
  if (groups.records.length === 0 && groups.skipped.length === 0) {
    notices.push({ object: 'group', action: 'warning', count: 0, field: 'groups.filter', reason: NO_GROUPS_READ });
  }
  return notices;
}

export const NO_GROUPS_READ =
  'groups are configured but the read returned none: check groups.baseDn and groups.filter (a filter for the wrong objectClass looks like an empty directory)';

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
