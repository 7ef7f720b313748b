import { ownedOnly, type OwnershipTest } from '../model/aws.js';
import { ownershipPrefix, splitExternalId } from '../model/ids.js';
import type { SyncState } from '../state/store.js';
import { readMemberships, readTargetObjects, type TargetReader } from './read-target.js';

/**
 * What `icsync export` prints: the AWS ids of everything icsync manages, beside the source ids they
 * came from. Applications federated through IAM Identity Center receive a user's groups as AWS
 * group ids, so whoever maps those ids to roles needs this table. Built from reads only.
 */
export type ExportedGroup = {
  sourceId: string;
  sourceGroupId: string;
  displayName: string;
  awsGroupId: string;
  memberCount: number;
  /** When a sync last read this group's members back from AWS (state); absent if never. */
  membersVerifiedAt?: string;
};

export type ExportedUser = {
  sourceId: string;
  sourceUserId: string;
  userName: string;
  awsUserId: string;
  active: boolean;
};

export const GROUP_COLUMNS: readonly (keyof ExportedGroup)[] = [
  'sourceId',
  'sourceGroupId',
  'displayName',
  'awsGroupId',
  'memberCount',
  'membersVerifiedAt',
];
export const USER_COLUMNS: readonly (keyof ExportedUser)[] = [
  'sourceId',
  'sourceUserId',
  'userName',
  'awsUserId',
  'active',
];

function ownershipTest(sourceIds: readonly string[]): OwnershipTest {
  const prefixes = sourceIds.map(ownershipPrefix);
  return (ext): ext is string => ext !== undefined && prefixes.some((p) => ext.startsWith(p));
}

/** Managed groups with their member counts (one paged member read per group, DG/listusers with a `groups.value` filter). */
export async function exportGroups(
  reader: TargetReader,
  sourceIds: readonly string[],
  state: SyncState,
  readConcurrency: number,
): Promise<ExportedGroup[]> {
  const target = await readTargetObjects(reader, sourceIds);
  const groups = ownedOnly(target.groups, ownershipTest(sourceIds));
  const members = await readMemberships(reader, groups, readConcurrency);
  return groups
    .map((g) => {
      const { sourceId, immutableId } = splitExternalId(g.externalId);
      const verifiedAt = state.groups[g.externalId]?.verifiedAt;
      return {
        sourceId,
        sourceGroupId: immutableId,
        displayName: g.displayName,
        awsGroupId: g.id,
        memberCount: members.get(g.id)?.size ?? 0,
        ...(verifiedAt ? { membersVerifiedAt: verifiedAt } : {}),
      };
    })
    .sort((a, b) => compare(a.sourceId, b.sourceId) || compare(a.displayName, b.displayName));
}

export async function exportUsers(reader: TargetReader, sourceIds: readonly string[]): Promise<ExportedUser[]> {
  const target = await readTargetObjects(reader, sourceIds);
  return ownedOnly(target.users, ownershipTest(sourceIds))
    .map((u) => {
      const { sourceId, immutableId } = splitExternalId(u.externalId);
      return { sourceId, sourceUserId: immutableId, userName: u.userName, awsUserId: u.id, active: u.active };
    })
    .sort((a, b) => compare(a.sourceId, b.sourceId) || compare(a.userName, b.userName));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
