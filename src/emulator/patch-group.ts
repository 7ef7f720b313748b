import { DETAIL_REPLACE_MEMBERS, ScimError, DETAIL_NO_USER, duplicate, invalid } from './errors.js';
import type { PatchStep } from './patch-request.js';
import { isLagging } from './lag.js';
import { readPatchRequest } from './patch-request.js';
import type { DirectoryStore, GroupAttributes, StoredGroup } from './store.js';
import { checkExternalId, isPlainObject, type TextRules } from './text.js';
import type { EmulatorOptions } from './types.js';
import { MAX_MEMBERS_PER_REQUEST, checkGroupName, checkMemberList } from './validate-group.js';

/**
 * PatchGroup (DG/patchgroup): only `displayName`, `members` and `externalId`; members change by `add` and
 * `remove` with path `members` and a value list, at most 100 entries per request; no `replace` of members and
 * no remove-all. The whole request is checked before anything changes, so a refusal leaves the group as it was.
 */

export type GroupPatchSettings = TextRules &
  Pick<EmulatorOptions, 'duplicateMemberAdd' | 'absentMemberRemove' | 'consistencyLagMs' | 'pathlessPatch'>;

class GroupChange {
  readonly adds = new Set<string>();
  readonly removes = new Set<string>();
  memberEntries = 0;
  attributes: GroupAttributes;

  constructor(
    private readonly store: DirectoryStore,
    readonly group: StoredGroup,
    private readonly settings: GroupPatchSettings,
  ) {
    this.attributes = { displayName: group.displayName };
    if (group.externalId !== undefined) this.attributes.externalId = group.externalId;
  }

  /** Membership as it would be after the steps read so far. */
  private isMember(userId: string): boolean {
    if (this.adds.has(userId)) return true;
    return !this.removes.has(userId) && this.store.isMember(this.group.id, userId);
  }

  add(userId: string): void {
    // Adding a user that does not exist: undocumented; answered like the ListGroups member filter (DG/listgroups).
    const user = this.store.getUser(userId);
    if (!user || isLagging(user, this.settings)) throw new ScimError(404, 'members: unknown user', DETAIL_NO_USER);
    if (this.isMember(userId)) {
      // The Developer Guide does not say whether adding a current member is a no-op or an error, hence the switch.
      if (this.settings.duplicateMemberAdd === 'error') throw invalid('members: user is already a member');
      return;
    }
    if (!this.removes.delete(userId)) this.adds.add(userId);
  }

  remove(userId: string): void {
    if (!this.isMember(userId)) {
      if (this.settings.absentMemberRemove === 'error') throw invalid('members: user is not a member');
      return;
    }
    if (!this.adds.delete(userId)) this.removes.add(userId);
  }
}

export function patchGroup(
  store: DirectoryStore,
  group: StoredGroup,
  body: unknown,
  settings: GroupPatchSettings,
): void {
  const change = new GroupChange(store, group, settings);
  for (const step of readPatchRequest(body, settings)) applyStep(change, step, settings);
  const { displayName } = change.attributes;
  // DG/patchgroup lists no 409, but a rename onto a taken name cannot succeed: uniqueness (UG/troubleshooting).
  if (displayName !== group.displayName && store.groupConflict(displayName, group.id)) {
    throw duplicate('displayName: taken by another group');
  }
  store.updateGroup(group.id, change.attributes);
  for (const userId of change.removes) store.removeMember(group.id, userId);
  for (const userId of change.adds) store.addMember(group.id, userId);
}

function applyStep(change: GroupChange, step: PatchStep, rules: TextRules): void {
  if (step.path === undefined) {
    applyValueObject(change, step, rules);
    return;
  }
  applyAttribute(change, step.op, step.path, step.value, rules);
}

/** DG/patchgroup rename example: `{"op":"replace","value":{"id":"<groupId>","displayName":"<new>"}}`, no path. */
function applyValueObject(change: GroupChange, step: PatchStep, rules: TextRules): void {
  if (!isPlainObject(step.value)) throw invalid('PatchOp: an operation without path needs an object value');
  for (const [key, value] of Object.entries(step.value)) {
    if (key === 'id') {
      if (value !== change.group.id) throw invalid('id: does not name this group');
      continue;
    }
    applyAttribute(change, step.op, key, value, rules);
  }
}

function applyAttribute(
  change: GroupChange,
  op: PatchStep['op'],
  path: string,
  value: unknown,
  rules: TextRules,
): void {
  switch (path.toLowerCase()) {
    case 'members':
      applyMembers(change, op, value, rules);
      return;
    case 'displayname':
      if (op === 'remove') throw invalid('displayName: required, cannot be removed');
      change.attributes.displayName = checkGroupName(value, rules);
      return;
    case 'externalid':
      if (op === 'remove') delete change.attributes.externalId;
      else change.attributes.externalId = checkExternalId(value, rules);
      return;
    default:
      throw invalid('PatchGroup: only displayName, members and externalId may change');
  }
}

function applyMembers(change: GroupChange, op: PatchStep['op'], value: unknown, rules: TextRules): void {
  if (op === 'replace') throw new ScimError(400, 'members: replace is not supported', DETAIL_REPLACE_MEMBERS);
  // DG/patchgroup, DG/limitations: removing all memberships in one request is refused.
  if (op === 'remove' && value === undefined) throw invalid('members: remove-all is not supported');
  const userIds = checkMemberList(value, 'members', rules);
  if (userIds.length === 0) throw invalid('members: empty value list');
  change.memberEntries += userIds.length;
  if (change.memberEntries > MAX_MEMBERS_PER_REQUEST) {
    throw invalid(`members: more than ${MAX_MEMBERS_PER_REQUEST} changes in one request`);
  }
  for (const userId of userIds) {
    if (op === 'add') change.add(userId);
    else change.remove(userId);
  }
}
