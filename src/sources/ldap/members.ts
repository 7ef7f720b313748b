import type { Group } from '../../model/group.js';
import type { ExternalId } from '../../model/ids.js';
import type { UnresolvedMember } from '../../model/snapshot.js';
import { normalizeDn } from './dn.js';
import type { GroupRecord, SkippedEntry, UserRecord } from './transform.js';

/**
 * Direct member resolution. A member is a user or a group in scope, or unresolved with a reason.
 * Nested groups stay references (`memberGroups`); flattening and cycle handling belong to the planner.
 */

export type MemberRef =
  | { kind: 'user'; externalId: ExternalId }
  | { kind: 'group'; externalId: ExternalId }
  | { kind: 'unresolved'; reason: string };

/** How member values are looked up: an in-memory index for full reads, directory searches for re-reads. */
export interface MemberLookup {
  byDn(dn: string): Promise<MemberRef>;
  byUid(uid: string): Promise<MemberRef>;
}

export interface ResolvedGroup {
  group: Group;
  unresolved: UnresolvedMember[];
}

export async function resolveGroup(record: GroupRecord, lookup: MemberLookup): Promise<ResolvedGroup> {
  const users = new Set<ExternalId>();
  const groups = new Set<ExternalId>();
  const unresolved: UnresolvedMember[] = [];
  const place = (member: string, ref: MemberRef): void => {
    if (ref.kind === 'user') users.add(ref.externalId);
    else if (ref.kind === 'group') groups.add(ref.externalId);
    else unresolved.push({ group: record.externalId, member, reason: ref.reason });
  };
  for (const dn of record.memberDns) place(dn, await lookup.byDn(dn));
  for (const uid of record.memberUids) place(uid, await lookup.byUid(uid));
  const group: Group = {
    externalId: record.externalId,
    displayName: record.displayName,
    memberUsers: [...users],
    memberGroups: [...groups],
    ...(record.createdAt === undefined ? {} : { createdAt: record.createdAt }),
    provenance: record.provenance,
  };
  return { group, unresolved };
}

export const NOT_IN_SCOPE = 'not a user or group in scope';
export const SYSTEM_OBJECT_LEFT_OUT =
  'built-in or critical system object, left out (includeSystemObjects: true reads it)';

/** Resolves against everything one full read returned. DNs compare in normal form (dn.ts); uids case-insensitively (RFC 4519 uid: caseIgnoreMatch). */
export function indexLookup(
  users: readonly UserRecord[],
  groups: readonly GroupRecord[],
  skipped: readonly SkippedEntry[],
  excluded: readonly { dn: string }[] = [],
): MemberLookup {
  const byDn = new Map<string, MemberRef>();
  for (const s of skipped)
    byDn.set(normalizeDn(s.dn), { kind: 'unresolved', reason: `member entry skipped: ${s.reason}` });
  for (const e of excluded) byDn.set(normalizeDn(e.dn), { kind: 'unresolved', reason: SYSTEM_OBJECT_LEFT_OUT });
  for (const u of users) byDn.set(normalizeDn(u.dn), { kind: 'user', externalId: u.user.externalId });
  for (const g of groups) byDn.set(normalizeDn(g.dn), { kind: 'group', externalId: g.externalId });
  const byUid = new Map<string, ExternalId[]>();
  for (const u of users) {
    for (const uid of u.uids)
      byUid.set(uid.toLowerCase(), [...(byUid.get(uid.toLowerCase()) ?? []), u.user.externalId]);
  }
  return {
    byDn: async (dn) => byDn.get(normalizeDn(dn)) ?? { kind: 'unresolved', reason: NOT_IN_SCOPE },
    byUid: async (uid) => uidRef(byUid.get(uid.toLowerCase()) ?? []),
  };
}

/** One user with the uid resolves; none or several do not (a posix uid should be unique, RFC 2307). */
export function uidRef(matches: readonly ExternalId[]): MemberRef {
  const [only, ...rest] = matches;
  if (only === undefined) return { kind: 'unresolved', reason: 'no user in scope has this uid' };
  if (rest.length > 0) return { kind: 'unresolved', reason: `${matches.length} users in scope have this uid` };
  return { kind: 'user', externalId: only };
}
