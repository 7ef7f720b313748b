import type { Group } from '../../model/group.js';
import { makeExternalId, type ExternalId } from '../../model/ids.js';
import type { SkippedSourceEntry, Snapshot, SourceNotice, UnresolvedMember } from '../../model/snapshot.js';
import type { User } from '../../model/user.js';
import { provenanceOf, transformUser, type TransformOptions } from './transform.js';
import { mapGroupName } from '../../mapping/apply.js';
import { compiledMapping } from '../../mapping/config.js';
import { recordLookup } from '../../mapping/lookup.js';
import type { GraphUser } from './wire.js';

/** A group in scope with the ids of its users, nesting already flattened by `transitiveMembers`. */
export interface ScopedGroup {
  id: string;
  displayName: string;
  memberIds: string[];
}

/** What one complete read (full or delta) produced, before mapping to the model. */
export interface RawDirectory {
  users: GraphUser[];
  groups: ScopedGroup[];
}

export const NOT_IN_SCOPE = 'not a user in scope';

/** A group mapping reads the group's `id` and `displayName`, the properties this source selects (GROUP_SELECT). */
export function groupName(
  group: { id: string; displayName: string },
  options: Pick<TransformOptions, 'mapping'>,
): string | undefined {
  if (options.mapping === undefined) return group.displayName;
  return mapGroupName(
    group.displayName,
    compiledMapping(options.mapping),
    recordLookup({ id: group.id, displayName: group.displayName }),
  );
}

/**
 * Maps a complete raw read to a snapshot. Group members are kept only when they are users of this
 * snapshot; any other member is reported as unresolved, never guessed (a member outside the user
 * scope must not be created through a group).
 */
export function assembleSnapshot(raw: RawDirectory, options: TransformOptions, readAt: string): Snapshot {
  const users: User[] = [];
  const skipped: SkippedSourceEntry[] = [];
  const byId = new Map<string, { externalId: ExternalId } | { reason: string }>();
  for (const record of dedupeById(raw.users)) {
    const outcome = transformUser(record, options);
    if (outcome.kind === 'user') {
      users.push(outcome.user);
      byId.set(record.id, { externalId: outcome.user.externalId });
    } else {
      skipped.push({ object: 'user', ref: outcome.ref, reason: outcome.reason });
      byId.set(record.id, { reason: `member skipped: ${outcome.reason}` });
    }
  }
  const groups: Group[] = [];
  const unresolvedMembers: UnresolvedMember[] = [];
  for (const scoped of raw.groups) {
    const externalId = makeExternalId(options.id, scoped.id);
    const displayName = groupName(scoped, options);
    if (displayName === undefined) {
      skipped.push({ object: 'group', ref: scoped.id, reason: 'mapping.group.displayName gave no value' });
      continue;
    }
    const memberUsers = new Set<ExternalId>();
    for (const memberId of scoped.memberIds) {
      const found = byId.get(memberId);
      if (found !== undefined && 'externalId' in found) memberUsers.add(found.externalId);
      else unresolvedMembers.push({ group: externalId, member: memberId, reason: found?.reason ?? NOT_IN_SCOPE });
    }
    groups.push({
      externalId,
      displayName,
      memberUsers: [...memberUsers],
      memberGroups: [],
      provenance: provenanceOf(options.id, scoped.id),
    });
  }
  return {
    sourceId: options.id,
    sourceKind: 'entra',
    users,
    groups,
    readAt,
    unresolvedMembers,
    skipped,
    notices: noEmailNotices(users, options),
  };
}

/** A user Entra gives no address at all (`mail: null`, no proxy or other mails) is created without one: said, not silent. */
function noEmailNotices(users: readonly User[], options: TransformOptions): SourceNotice[] {
  const hint = options.email === 'mail' ? '; email: mailOrUserPrincipalName uses the userPrincipalName instead' : '';
  return users
    .filter((u) => u.emails.length === 0)
    .map((u) => ({
      object: 'user',
      action: 'warning',
      externalId: u.externalId,
      field: 'emails',
      reason: `Entra has no email address for this user (mail is null)${hint}`,
    }));
}

/** A user reached through several scope groups is listed once (first occurrence wins; they are the same object). */
export function dedupeById<T extends { id: string }>(items: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(item.id)) seen.set(item.id, item);
  return [...seen.values()];
}
