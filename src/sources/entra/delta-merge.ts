import type { GraphUser, GroupDeltaItem, UserDeltaItem } from './wire.js';
import { ODATA_GROUP } from './wire.js';

/**
 * Pure bookkeeping of delta rounds (learn.microsoft.com/graph/delta-query-overview). Every change
 * is applied idempotently: Graph may replay changes, and a round that fails is replayed in full
 * from the previous deltaLink.
 */

export interface UserChangeCounts {
  updated: number;
  /** `@removed` reason `changed`: soft-deleted, restorable for 30 days. */
  softDeleted: number;
  /** `@removed` reason `deleted`: permanently deleted. */
  deleted: number;
}

/**
 * Merges users/delta items into `users`. An item is merged over the stored record: without
 * `Prefer: return=minimal` Graph repeats unchanged properties, with it only changed ones come, and
 * a property that was cleared arrives as null; a merge is right in every case.
 *
 * Both removal reasons take the user out of the directory, because a full read (`GET /users`) no
 * longer lists a soft-deleted user either: the two read paths must agree. The planner then
 * deactivates the AWS user and deletes it only after its grace period, which covers Entra's 30-day
 * restore window; a restored user comes back in a later round as an update.
 */
export function applyUserDelta(users: Record<string, GraphUser>, items: readonly UserDeltaItem[]): UserChangeCounts {
  const counts: UserChangeCounts = { updated: 0, softDeleted: 0, deleted: 0 };
  for (const item of items) {
    if (typeof item.id !== 'string' || item.id === '') continue;
    const removed = item['@removed'];
    if (removed !== undefined) {
      delete users[item.id];
      if (removed.reason === 'deleted') counts.deleted += 1;
      else counts.softDeleted += 1;
      continue;
    }
    users[item.id] = { ...users[item.id], ...withoutAnnotations(item) };
    counts.updated += 1;
  }
  return counts;
}

/** What groups/delta tracks for every group of the tenant: its name (for name scopes) and its direct child groups (for nesting). */
export interface GroupTracking {
  groupNames: Record<string, string>;
  childGroups: Record<string, string[]>;
}

export interface GroupChanges {
  /** Groups whose properties or direct members changed, plus the parents of removed groups. */
  changed: Set<string>;
  removed: Set<string>;
}

/**
 * Applies groups/delta items. `members@delta` carries direct member changes only; user members are
 * not kept here (transitive members are re-read for affected groups, delta.ts), but group members
 * are, so that a change deep in a nesting chain can be traced up to the groups in scope.
 * One group may arrive as several items across pages; each is applied in turn.
 */
export function applyGroupDelta(
  tracking: GroupTracking,
  items: readonly GroupDeltaItem[],
  changes: GroupChanges,
): void {
  for (const item of items) {
    if (typeof item.id !== 'string' || item.id === '') continue;
    if (item['@removed'] !== undefined) {
      for (const parent of parentsOf(item.id, tracking.childGroups)) changes.changed.add(parent);
      removeGroup(tracking, item.id);
      changes.removed.add(item.id);
      changes.changed.delete(item.id);
      continue;
    }
    changes.changed.add(item.id);
    changes.removed.delete(item.id);
    if (typeof item.displayName === 'string') tracking.groupNames[item.id] = item.displayName;
    else tracking.groupNames[item.id] ??= '';
    const children = new Set(tracking.childGroups[item.id] ?? []);
    for (const member of item['members@delta'] ?? []) {
      if (member['@odata.type'] !== ODATA_GROUP) continue;
      if (member['@removed'] !== undefined) children.delete(member.id);
      else children.add(member.id);
    }
    if (children.size > 0) tracking.childGroups[item.id] = [...children];
    else delete tracking.childGroups[item.id];
  }
}

/** The given groups and every group that contains one of them at any depth; cycles end the walk. */
export function withAncestors(ids: Iterable<string>, childGroups: Record<string, string[]>): Set<string> {
  const parents = new Map<string, string[]>();
  for (const [parent, children] of Object.entries(childGroups)) {
    for (const child of children) parents.set(child, [...(parents.get(child) ?? []), parent]);
  }
  const found = new Set<string>();
  const queue = [...ids];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    if (found.has(id)) continue;
    found.add(id);
    queue.push(...(parents.get(id) ?? []));
  }
  return found;
}

function parentsOf(id: string, childGroups: Record<string, string[]>): string[] {
  return Object.entries(childGroups).flatMap(([parent, children]) => (children.includes(id) ? [parent] : []));
}

function removeGroup(tracking: GroupTracking, id: string): void {
  delete tracking.groupNames[id];
  delete tracking.childGroups[id];
  for (const [parent, children] of Object.entries(tracking.childGroups)) {
    if (!children.includes(id)) continue;
    const rest = children.filter((c) => c !== id);
    if (rest.length > 0) tracking.childGroups[parent] = rest;
    else delete tracking.childGroups[parent];
  }
}

/** Drops OData annotations (`@odata.type`, `@removed`, `x@delta`) so only properties are stored. */
function withoutAnnotations(item: UserDeltaItem): GraphUser {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !key.includes('@'))) as unknown as GraphUser;
}
