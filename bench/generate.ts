import type { TargetGroup, TargetUser } from '../src/model/aws.js';
import { asScimId, makeExternalId, type ExternalId } from '../src/model/ids.js';
import type { Group } from '../src/model/group.js';
import type { Snapshot } from '../src/model/snapshot.js';
import type { User } from '../src/model/user.js';

export interface DirectorySize {
  users: number;
  groups: number;
  memberships: number;
}

/** A deterministic synthetic directory: every tenth group nests one other group. */
export function generateSnapshot(size: DirectorySize, sourceId = 'bench'): Snapshot {
  const users: User[] = [];
  for (let i = 0; i < size.users; i += 1) {
    const id = `u${i}`;
    users.push({
      externalId: makeExternalId(sourceId, id),
      userName: `user${i}@example.com`,
      displayName: `User Number${i}`,
      name: { givenName: 'User', familyName: `Number${i}` },
      emails: [{ value: `user${i}@example.com`, type: 'work', primary: true }],
      phoneNumbers: [],
      addresses: [],
      title: i % 5 === 0 ? 'Manager' : 'Engineer',
      enterprise: { department: `Dept ${i % 40}` },
      active: true,
      provenance: { sourceKind: 'file', sourceId, ref: id },
    });
  }
  const perGroup = Math.floor(size.memberships / size.groups);
  const groups: Group[] = [];
  for (let g = 0; g < size.groups; g += 1) {
    const memberUsers: ExternalId[] = [];
    for (let k = 0; k < perGroup; k += 1) memberUsers.push(users[(g * 37 + k * 101) % size.users]!.externalId);
    groups.push({
      externalId: makeExternalId(sourceId, `g${g}`),
      displayName: `Group ${g}`,
      memberUsers: [...new Set(memberUsers)],
      memberGroups: g % 10 === 0 && g + 1 < size.groups ? [makeExternalId(sourceId, `g${g + 1}`)] : [],
      provenance: { sourceKind: 'file', sourceId, ref: `g${g}` },
    });
  }
  return {
    sourceId,
    sourceKind: 'file',
    users,
    groups,
    readAt: new Date(0).toISOString(),
    unresolvedMembers: [],
    skipped: [],
  };
}

/**
 * The AWS side of a tenant already in sync with `snap` (as the planner would see it after a sync).
 * Ids go through JSON like the SCIM client's responses do, so they are flat strings as in production.
 */
export function inSyncTarget(
  snap: Snapshot,
  members: Map<ExternalId, ExternalId[]>,
): { users: TargetUser[]; groups: TargetGroup[]; members: Map<string, Set<string>> } {
  const users: TargetUser[] = snap.users.map((u) => ({
    id: asScimId(`id-${u.externalId}`),
    externalId: u.externalId,
    userName: u.userName,
    displayName: u.displayName!,
    name: { givenName: u.name.givenName!, familyName: u.name.familyName! },
    emails: u.emails.map((e) => ({ value: e.value, type: 'work', primary: true })),
    phoneNumbers: [],
    addresses: [],
    title: u.title,
    enterprise: { department: u.enterprise.department },
    active: true,
  }));
  const groups: TargetGroup[] = snap.groups.map((g) => ({
    id: asScimId(`id-${g.externalId}`),
    externalId: g.externalId,
    displayName: g.displayName,
  }));
  const memberMap = new Map<string, Set<string>>();
  for (const g of snap.groups)
    memberMap.set(`id-${g.externalId}`, new Set((members.get(g.externalId) ?? []).map((m) => `id-${m}`)));
  const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  return {
    users: users.map(viaJson),
    groups: groups.map(viaJson),
    members: new Map([...memberMap].map(([k, v]) => [k, new Set(viaJson([...v]))])),
  };
}
