import { claimForeignObjects, claimLegacyObjects, type TakeoverRules } from '../diff/index.js';
import type { TargetGroup, TargetUser } from '../model/aws.js';
import { legacyExternalIdOf, ownershipPrefix, splitExternalId } from '../model/ids.js';
import type { Snapshot } from '../model/snapshot.js';
import type { Selection } from './only-select.js';
import type { TargetedScim } from './targeted.js';

/** What `--only` reads from AWS: a targeted run's lookups, and the groups one user is in. */
export interface OnlyScim extends TargetedScim {
  listUserGroups(userId: string): AsyncIterable<TargetGroup>;
}

/**
 * How this run recognizes AWS objects as the sources': the legacy `<sourceId>:` form, and (for a
 * source with `takeover`) another provisioner's externalId equal to one of the source's immutable ids,
 * exactly as a full run claims them (run.ts), so `--only` takes over in place instead of reporting a
 * conflict with the object it should claim.
 */
export interface Claims {
  sourceIds: readonly string[];
  takeover: TakeoverRules;
  snapshots: readonly Snapshot[];
}

function claimUsers(users: Iterable<TargetUser>, claims: Claims): TargetUser[] {
  const desired = claims.snapshots.flatMap((s) => s.users.map((u) => ({ externalId: u.externalId, name: u.userName })));
  return claimForeignObjects(claimLegacyObjects([...users], claims.sourceIds), desired, claims.takeover, {
    isOwned: ownedBy(claims.sourceIds),
    nameOf: (u) => u.userName,
  });
}

function claimGroups(groups: Iterable<TargetGroup>, claims: Claims): TargetGroup[] {
  const desired = claims.snapshots.flatMap((s) =>
    s.groups.map((g) => ({ externalId: g.externalId, name: g.displayName })),
  );
  return claimForeignObjects(claimLegacyObjects([...groups], claims.sourceIds), desired, claims.takeover, {
    isOwned: ownedBy(claims.sourceIds),
    nameOf: (g) => g.displayName,
  });
}

function ownedBy(sourceIds: readonly string[]): (ext: string | undefined) => ext is string {
  const prefixes = sourceIds.map(ownershipPrefix);
  return (ext): ext is string => ext !== undefined && prefixes.some((p) => ext.startsWith(p));
}

/** The externalIds an AWS object of `ext` may carry: ours, the legacy form, and a takeover's foreign id. */
function externalIdsOf(ext: string, claims: Claims): string[] {
  const { sourceId, immutableId } = splitExternalId(ext);
  return [ext, legacyExternalIdOf(ext), ...(claims.takeover.has(sourceId) ? [immutableId] : [])];
}

export interface Current {
  users: TargetUser[];
  groups: TargetGroup[];
  members: Map<string, Set<string>>;
}

/** The selected users and groups in AWS (by externalId and by name), and the AWS groups each selected user is in. */
export async function readSelected(
  scim: OnlyScim,
  selection: Selection,
  claims: Claims,
): Promise<{ current: Current; awsGroupsOfSelected: Set<string> }> {
  const users = new Map<string, TargetUser>();
  const groups = new Map<string, TargetGroup>();
  for (const [ext, user] of selection.users) {
    for (const id of externalIdsOf(ext, claims)) {
      const found = await scim.findUserByExternalId(id);
      if (found) users.set(found.id, found);
    }
    const byName = await scim.findUserByUserName(user.userName);
    if (byName) users.set(byName.id, byName);
  }
  // AWS stores a manager as the manager's AWS user id, so a selected user's manager is read too
  // (never planned: only selected objects are in scope); unread, it would look unmanaged.
  for (const user of selection.users.values()) {
    const manager = user.manager?.externalId;
    if (manager === undefined || selection.users.has(manager)) continue;
    for (const id of externalIdsOf(manager, claims)) {
      const found = await scim.findUserByExternalId(id);
      if (found) users.set(found.id, found);
    }
  }
  const members = new Map<string, Set<string>>();
  const claimedUsers = claimUsers(users.values(), claims);
  for (const u of claimedUsers) {
    if (!u.externalId || !selection.users.has(u.externalId)) continue;
    for await (const g of scim.listUserGroups(u.id)) {
      groups.set(g.id, g);
      (members.get(g.id) ?? members.set(g.id, new Set()).get(g.id))?.add(u.id);
    }
  }
  const claimed = claimGroups(groups.values(), claims);
  return {
    current: { users: claimedUsers, groups: claimed, members },
    awsGroupsOfSelected: new Set(claimed.flatMap((g) => (g.externalId ? [g.externalId] : []))),
  };
}

/**
 * Every planned group in AWS (by externalId and by name), the whole membership of selected groups,
 * and the AWS users their (flattened) members are. Any other group's membership stays what
 * `readSelected` saw: the selected users in it.
 */
export async function readGroups(
  scim: OnlyScim,
  snapshots: readonly Snapshot[],
  selection: Selection,
  current: Current,
  claims: Claims,
): Promise<void> {
  const groups = new Map(current.groups.map((g) => [g.id, g]));
  const users = new Map(current.users.map((u) => [u.id, u]));
  for (const g of snapshots.flatMap((s) => s.groups)) {
    for (const id of externalIdsOf(g.externalId, claims)) {
      const found = await scim.findGroupByExternalId(id);
      if (found) groups.set(found.id, found);
    }
    const byName = await scim.findGroupByDisplayName(g.displayName);
    if (byName) groups.set(byName.id, byName);
  }
  current.groups = claimGroups(groups.values(), claims);
  for (const g of current.groups) {
    if (!g.externalId || !selection.groups.has(g.externalId)) continue;
    const ids = new Set<string>();
    for await (const u of scim.listGroupMembers(g.id)) {
      ids.add(u.id);
      users.set(u.id, u);
    }
    current.members.set(g.id, ids);
  }
  const known = new Set(claimUsers(users.values(), claims).flatMap((u) => u.externalId ?? []));
  const selected = snapshots.flatMap((s) => s.groups).filter((g) => selection.groups.has(g.externalId));
  for (const g of selected) {
    for (const m of g.memberUsers.filter((m) => !known.has(m))) {
      for (const id of externalIdsOf(m, claims)) {
        const found = await scim.findUserByExternalId(id);
        if (found) users.set(found.id, found);
      }
    }
  }
  current.users = claimUsers(users.values(), claims);
  for (const g of current.groups) if (!current.members.has(g.id)) current.members.set(g.id, new Set());
}
