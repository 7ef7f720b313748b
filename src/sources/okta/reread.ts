import type { Group } from '../../model/group.js';
import type { User } from '../../model/user.js';
import type { OktaApi, OktaUser } from './client.js';
import type { OktaScope } from './config.js';
import type { RoundSpec } from './read.js';
import { groupEntry, toSnapshot, userEntry, withAppUserName, type UserEntry } from './transform.js';

/**
 * Targeted re-reads by Okta id, for event hooks: an event only names what to re-read
 * (https://developer.okta.com/docs/concepts/event-hooks/).
 * An object outside the scope, excluded by status or gone reads as `null`, as it would be absent from a
 * full read. Re-reads do not touch the stored incremental state; the next round reads the change again.
 */

/** Okta ids are alphanumeric; anything else named in an event is not an object this source could have read. */
const OKTA_ID = /^[A-Za-z0-9]{1,64}$/;

export async function rereadUser(api: OktaApi, spec: RoundSpec, userId: string): Promise<User | null> {
  if (!OKTA_ID.test(userId)) return null;
  const found = await userInScope(api, spec.scope, userId);
  if (found === undefined) return null;
  const entry = userEntry({ ...found.user, id: userId }, spec);
  const named = spec.attributes.userName === 'appUserName' ? withAppUserName(entry, found.appUserName) : entry;
  return named.kind === 'user' ? named.user : null;
}

/** The group with its members; every member of an in-scope group is itself in scope (Okta groups do not nest). */
export async function rereadGroup(api: OktaApi, spec: RoundSpec, groupId: string): Promise<Group | null> {
  if (!OKTA_ID.test(groupId)) return null;
  if (!(await groupInScope(api, spec.scope, groupId))) return null;
  const group = await api.getGroup(groupId);
  if (group === undefined || groupEntry(group, [], spec.mapping).kind === 'skipped') return null;
  const users = new Map<string, UserEntry>();
  for await (const member of api.listGroupUsers(groupId)) {
    if (member.id === undefined) throw new Error(`a member of group ${groupId} came without an id`);
    users.set(member.id, userEntry({ ...member, id: member.id }, spec));
  }
  const directory = {
    users,
    groups: new Map([[groupId, groupEntry(group, [...users.keys()], spec.mapping)]]),
    watermarks: {},
  };
  return toSnapshot(directory, spec, new Date().toISOString()).groups[0] ?? null;
}

async function userInScope(
  api: OktaApi,
  scope: OktaScope,
  userId: string,
): Promise<{ user: OktaUser; appUserName?: unknown } | undefined> {
  if (scope.type === 'appAssignments') {
    const assignment = await api.getAppUser(scope.appId, userId);
    if (assignment === undefined) return undefined;
    const user = assignment._embedded?.user as OktaUser | undefined;
    if (user?.id !== userId)
      throw new Error(`app user ${userId} came without its user in _embedded.user (expand=user)`);
    return { user, appUserName: assignment.credentials?.userName };
  }
  // GET /api/v1/users/{id} also accepts a login; only an exact id match is the user the event named.
  const user = await api.getUser(userId);
  if (user?.id !== userId) return undefined;
  const scopeIds = await scopeGroupIds(api, scope);
  for await (const group of api.listUserGroups(userId)) {
    if (group.id !== undefined && scopeIds.has(group.id)) return { user };
  }
  return undefined;
}

async function groupInScope(api: OktaApi, scope: OktaScope, groupId: string): Promise<boolean> {
  if (scope.type === 'appAssignments') return api.isAppGroup(scope.appId, groupId);
  return scope.ids.includes(groupId) || (await scopeGroupIds(api, scope)).has(groupId);
}

/** Configured ids plus what the search expression matches now. */
async function scopeGroupIds(api: OktaApi, scope: Extract<OktaScope, { type: 'groups' }>): Promise<Set<string>> {
  const ids = new Set(scope.ids);
  if (scope.search === undefined) return ids;
  for await (const group of api.searchGroups(scope.search)) if (group.id !== undefined) ids.add(group.id);
  return ids;
}
