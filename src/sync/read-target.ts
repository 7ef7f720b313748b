import type { OwnershipTest } from '../model/aws.js';
import { createHash } from 'node:crypto';
import { claimForeignObjects, claimLegacyObjects, type DesiredState, type TakeoverRules } from '../diff/index.js';
import type { DesiredGroup, TargetGroup, TargetUser } from '../model/aws.js';
import type { SyncState } from '../state/store.js';

/** The SCIM reads a run needs; `ScimClient` implements it. */
export interface TargetReader {
  listUsers(filter?: string): AsyncIterable<TargetUser>;
  listGroups(filter?: string): AsyncIterable<TargetGroup>;
  listGroupMembers(groupId: string): AsyncIterable<TargetUser>;
}

export interface TargetObjects {
  users: TargetUser[];
  groups: TargetGroup[];
}

/**
 * Users and groups by cursor paging over the whole tenant (DG/listusers, DG/listgroups). Objects an
 * earlier version created under the legacy `<sourceId>:` externalId are claimed for `sourceIds`.
 */
export async function readTargetObjects(reader: TargetReader, sourceIds: readonly string[]): Promise<TargetObjects> {
  const users: TargetUser[] = [];
  for await (const u of reader.listUsers()) users.push(u);
  const groups: TargetGroup[] = [];
  for await (const g of reader.listGroups()) groups.push(g);
  return { users: claimLegacyObjects(users, sourceIds), groups: claimLegacyObjects(groups, sourceIds) };
}

/**
 * Objects another provisioner created that a source with `takeover` recognizes as its own
 * (ownership.ts), claimed before membership reads so their members are read and kept.
 */
export function claimTakeovers(
  target: TargetObjects,
  desired: Pick<DesiredState, 'users' | 'groups'>,
  rules: TakeoverRules,
  isOwned: OwnershipTest,
): TargetObjects {
  if (rules.size === 0) return target;
  return {
    users: claimForeignObjects(
      target.users,
      desired.users.map((u) => ({ externalId: u.externalId, name: u.userName })),
      rules,
      { isOwned, nameOf: (u) => u.userName },
    ),
    groups: claimForeignObjects(
      target.groups,
      desired.groups.map((g) => ({ externalId: g.externalId, name: g.displayName })),
      rules,
      { isOwned, nameOf: (g) => g.displayName },
    ),
  };
}

export interface MembershipReadPlan {
  /** Groups whose members are read from AWS this run. */
  read: TargetGroup[];
  /** Groups assumed to hold exactly their recorded members (unchanged in the source, verified recently). */
  assumed: { group: TargetGroup; desired: DesiredGroup }[];
}

/**
 * GET on a group returns no members (DG/getgroup), so each group costs one paged
 * `GET /Users?filter=groups.value eq "<id>"` read. A group is skipped when its source membership
 * is unchanged since it was last verified and that verification is younger than the interval;
 * every group is re-read at least once per interval.
 */
export function planMembershipReads(
  groups: readonly TargetGroup[],
  desired: ReadonlyMap<string, DesiredGroup>,
  state: SyncState,
  options: { isOwned: OwnershipTest; adopt: boolean; now: number; verifyIntervalMs: number },
): MembershipReadPlan {
  const read: TargetGroup[] = [];
  const assumed: MembershipReadPlan['assumed'] = [];
  for (const g of groups) {
    if (options.isOwned(g.externalId)) {
      const want = desired.get(g.externalId);
      if (!want) continue;
      const rec = state.groups[g.externalId];
      const fresh =
        rec &&
        rec.scimId === g.id &&
        rec.memberHash === memberHash(want.members) &&
        options.now - Date.parse(rec.verifiedAt) < options.verifyIntervalMs;
      if (fresh) assumed.push({ group: g, desired: want });
      else read.push(g);
    } else if (options.adopt && !g.externalId) {
      read.push(g);
    }
  }
  return { read, assumed };
}

export async function readMemberships(
  reader: TargetReader,
  groups: readonly TargetGroup[],
): Promise<Map<string, Set<string>>> {
  const members = new Map<string, Set<string>>();
  for (const g of groups) {
    const ids = new Set<string>();
    for await (const u of reader.listGroupMembers(g.id)) ids.add(u.id);
    members.set(g.id, ids);
  }
  return members;
}

export function memberHash(members: readonly string[]): string {
  return createHash('sha256')
    .update([...members].sort().join('\n'))
    .digest('hex')
    .slice(0, 32);
}
