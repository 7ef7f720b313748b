import type { TargetGroup, TargetUser } from '../../src/model/aws.js';
import { asScimId, makeExternalId, type ExternalId } from '../../src/model/ids.js';
import type { Group } from '../../src/model/group.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import type { User } from '../../src/model/user.js';

export const SOURCE_ID = 'test-src';

export function ext(id: string, sourceId = SOURCE_ID): ExternalId {
  return makeExternalId(sourceId, id);
}

/** A valid source user; `over` replaces any field. */
export function user(id: string, over: Partial<User> = {}): User {
  return {
    externalId: ext(id),
    userName: `${id}@example.com`,
    displayName: `User ${id}`,
    name: { givenName: 'User', familyName: id },
    emails: [{ value: `${id}@example.com`, type: 'work', primary: true }],
    phoneNumbers: [],
    addresses: [],
    enterprise: {},
    active: true,
    provenance: { sourceKind: 'file', sourceId: SOURCE_ID, ref: id },
    ...over,
  };
}

export function group(id: string, users: string[], groups: string[] = [], over: Partial<Group> = {}): Group {
  return {
    externalId: ext(id),
    displayName: `Group ${id}`,
    memberUsers: users.map((u) => ext(u)),
    memberGroups: groups.map((g) => ext(g)),
    provenance: { sourceKind: 'file', sourceId: SOURCE_ID, ref: id },
    ...over,
  };
}

export function snapshot(users: User[], groups: Group[] = []): Snapshot {
  return {
    sourceId: SOURCE_ID,
    sourceKind: 'file',
    users,
    groups,
    readAt: '2026-01-01T00:00:00.000Z',
    unresolvedMembers: [],
    skipped: [],
  };
}

export function targetUser(id: string, over: Partial<TargetUser> = {}): TargetUser {
  return {
    id: asScimId(`aws-${id}`),
    userName: `${id}@example.com`,
    displayName: `User ${id}`,
    name: { givenName: 'User', familyName: id },
    emails: [{ value: `${id}@example.com`, type: 'work', primary: true }],
    phoneNumbers: [],
    addresses: [],
    enterprise: {},
    active: true,
    ...over,
  };
}

export function targetGroup(id: string, over: Partial<TargetGroup> = {}): TargetGroup {
  return { id: asScimId(`aws-g-${id}`), displayName: `Group ${id}`, ...over };
}
