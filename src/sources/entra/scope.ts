import type { EntraGraph } from './client.js';
import { mapLimit } from '../../util/concurrency.js';
import { GUID_PATTERN, type EntraSourceConfig, type GroupsScope } from './config.js';
import { dedupeById } from './assemble.js';
import { isNotFound } from './graph-error.js';
import { expandedManager } from './managers.js';
import {
  GROUP_SELECT,
  ODATA_USER,
  type AppRoleAssignment,
  type ExpandedGraphUser,
  type GraphDirectoryObject,
  type GraphGroup,
  type GraphUser,
} from './wire.js';

/**
 * Which users and groups a read covers (config.ts `scope`). Group names and prefixes are matched
 * locally against the tenant's group list rather than with `$filter`: the same code then serves
 * full reads and delta rounds, and no operator-written text is ever put into a query string.
 */

export interface NamedGroup {
  id: string;
  displayName: string;
}

export type ScopeConfig = Pick<EntraSourceConfig, 'scope' | 'servicePrincipalId' | 'concurrency' | 'mapping'>;

/**
 * What one read has already fetched and the next step would fetch again: the app's assignments serve
 * both the user and the group scope, so a read that uses both lists `appRoleAssignedTo` once.
 */
export interface ReadMemo {
  assignments?: Promise<AppRoleAssignment[]>;
}

/** Resolves configured group references: a GUID is an object id, anything else an exact displayName (case-insensitive, as Graph compares). */
export function resolveGroupRefs(refs: readonly string[], all: readonly NamedGroup[], setting: string): NamedGroup[] {
  return dedupeById(
    refs.map((ref) => {
      const matches = GUID_PATTERN.test(ref)
        ? all.filter((g) => g.id.toLowerCase() === ref.toLowerCase())
        : all.filter((g) => g.displayName.toLowerCase() === ref.toLowerCase());
      const [match, ...others] = matches;
      if (match === undefined)
        throw new Error(`${setting}: no group ${GUID_PATTERN.test(ref) ? 'has the id' : 'is named'} "${ref}"`);
      if (others.length > 0)
        throw new Error(`${setting}: ${matches.length} groups are named "${ref}"; list the group's object id instead`);
      return match;
    }),
  );
}

/** The groups a `list` or `displayNamePrefix` scope selects out of every group in the tenant. */
export function selectGroups(scope: Exclude<GroupsScope, 'appAssignments'>, all: readonly NamedGroup[]): NamedGroup[] {
  if (scope === 'none') return [];
  if ('list' in scope) return resolveGroupRefs(scope.list, all, 'scope.groups.list');
  const prefix = scope.displayNamePrefix.toLowerCase();
  return all.filter((g) => g.displayName.toLowerCase().startsWith(prefix));
}

/** Every group of the tenant, id and name only (GroupMember.Read.All). */
export async function readAllGroups(graph: EntraGraph, signal: AbortSignal): Promise<NamedGroup[]> {
  const groups = await graph.list<GraphGroup>('/groups', { select: GROUP_SELECT }, signal);
  return groups.map(named);
}

/** The groups to sync. */
export async function readScopeGroups(
  graph: EntraGraph,
  config: ScopeConfig,
  signal: AbortSignal,
  memo: ReadMemo = {},
): Promise<NamedGroup[]> {
  const scope = config.scope.groups;
  if (scope === 'none') return [];
  if (scope === 'appAssignments') return readAssignedGroups(graph, config, signal, memo);
  if ('list' in scope) return readConfiguredGroups(graph, config, scope.list, 'scope.groups.list', signal);
  return selectGroups(scope, await readAllGroups(graph, signal));
}

/** Whether one group is in the group scope; a prefix needs no other request, names and assignments read the scope as a full read would. */
export async function isGroupInScope(
  graph: EntraGraph,
  config: ScopeConfig,
  group: NamedGroup,
  signal: AbortSignal,
): Promise<boolean> {
  const scope = config.scope.groups;
  if (scope === 'none') return false;
  if (scope !== 'appAssignments' && 'displayNamePrefix' in scope) return selectGroups(scope, [group]).length > 0;
  return (await readScopeGroups(graph, config, signal)).some((g) => g.id === group.id);
}

/**
 * What a user read asks for: the properties, and `expand` (managers.ts `managerExpand`) where the read can
 * expand the manager. Users read without it carry no `manager` and have it read one by one (`withManagers`).
 */
export interface UserQuery {
  select: readonly string[];
  expand?: string;
}

/** The users in scope, with the given properties; the user list and single users expand the manager when asked. */
export async function readScopedUsers(
  graph: EntraGraph,
  config: ScopeConfig,
  query: UserQuery,
  signal: AbortSignal,
  memo: ReadMemo = {},
): Promise<GraphUser[]> {
  const scope = config.scope.users;
  if (scope === 'all')
    return (await graph.list<ExpandedGraphUser>('/users', query, signal)).map((u) => expandedManager(u, query));
  if (scope === 'appAssignments') return readAssignedUsers(graph, config, query, signal, memo);
  const groups = await readConfiguredGroups(graph, config, scope.memberOf, 'scope.users.memberOf', signal);
  return dedupeById(
    (
      await mapLimit(groups, config.concurrency, (g) =>
        readUserMembers(graph, g.id, 'transitiveMembers', query.select, signal),
      )
    ).flat(),
  );
}

/**
 * Users assigned to the app directly, and direct members of assigned groups: Entra grants an assigned
 * group's access to its direct members only (docs/entra.md), so `members`, not `transitiveMembers`.
 * An assignment can outlive its principal for a while; a principal that is gone is not in scope.
 */
async function readAssignedUsers(
  graph: EntraGraph,
  config: ScopeConfig,
  query: UserQuery,
  signal: AbortSignal,
  memo: ReadMemo,
): Promise<GraphUser[]> {
  const assignments = await readAssignments(graph, config, signal, memo);
  const direct = await mapLimit(principalIds(assignments, 'User'), config.concurrency, async (id) => {
    const user = await graph.get<ExpandedGraphUser>(`/users/${id}`, query, signal);
    return user === null ? null : expandedManager(user, query);
  });
  const viaGroups = await mapLimit(principalIds(assignments, 'Group'), config.concurrency, (id) =>
    readUserMembers(graph, id, 'members', query.select, signal).catch((err: unknown) => {
      if (isNotFound(err)) return [];
      throw err;
    }),
  );
  return dedupeById([...direct.flatMap((u) => (u === null ? [] : [u])), ...viaGroups.flat()]);
}

/** The user ids in scope, or 'all'; used by re-reads to decide whether one object belongs to the source. */
export async function readScopedUserIds(
  graph: EntraGraph,
  config: ScopeConfig,
  signal: AbortSignal,
): Promise<Set<string> | 'all'> {
  if (config.scope.users === 'all') return 'all';
  return new Set((await readScopedUsers(graph, config, { select: ['id'] }, signal)).map((u) => u.id));
}

/**
 * The users under a group. Member collections mix users, groups, devices, contacts and service
 * principals; `transitiveMembers` also lists the nested groups themselves. Users are picked by
 * `@odata.type` rather than with the `/microsoft.graph.user` cast, which needs advanced query
 * headers and reads an eventually consistent index (https://learn.microsoft.com/graph/aad-advanced-queries).
 */
export async function readUserMembers(
  graph: EntraGraph,
  groupId: string,
  relation: 'members' | 'transitiveMembers',
  select: readonly string[],
  signal: AbortSignal,
): Promise<GraphUser[]> {
  const members = await graph.list<GraphDirectoryObject & GraphUser>(
    `/groups/${groupId}/${relation}`,
    { select },
    signal,
  );
  return members.filter((m) => m['@odata.type'] === ODATA_USER);
}

/** Groups named in the config. Object ids alone are read one by one; any name needs the tenant's group list to be matched against. */
async function readConfiguredGroups(
  graph: EntraGraph,
  config: ScopeConfig,
  refs: readonly string[],
  setting: string,
  signal: AbortSignal,
): Promise<NamedGroup[]> {
  if (!refs.every((ref) => GUID_PATTERN.test(ref)))
    return resolveGroupRefs(refs, await readAllGroups(graph, signal), setting);
  const groups = await mapLimit(refs, config.concurrency, async (ref) => {
    const group = await graph.get<GraphGroup>(`/groups/${ref}`, { select: GROUP_SELECT }, signal);
    if (group === null) throw new Error(`${setting}: no group has the id "${ref}"`);
    return named(group);
  });
  return dedupeById(groups);
}

/** Groups assigned to the app; an assignment can outlive its group for a while, and a group that is gone is not in scope. */
async function readAssignedGroups(
  graph: EntraGraph,
  config: ScopeConfig,
  signal: AbortSignal,
  memo: ReadMemo,
): Promise<NamedGroup[]> {
  const ids = principalIds(await readAssignments(graph, config, signal, memo), 'Group');
  const groups = await mapLimit(ids, config.concurrency, (id) =>
    graph.get<GraphGroup>(`/groups/${id}`, { select: GROUP_SELECT }, signal),
  );
  return groups.flatMap((g) => (g === null ? [] : [named(g)]));
}

async function readAssignments(
  graph: EntraGraph,
  config: ScopeConfig,
  signal: AbortSignal,
  memo: ReadMemo,
): Promise<AppRoleAssignment[]> {
  const id = config.servicePrincipalId;
  if (id === undefined) throw new Error('appAssignments scope needs servicePrincipalId');
  memo.assignments ??= graph.list<AppRoleAssignment>(`/servicePrincipals/${id}/appRoleAssignedTo`, {}, signal);
  return memo.assignments;
}

/** A principal can hold several app roles of one app; each is listed once. */
function principalIds(assignments: readonly AppRoleAssignment[], type: 'User' | 'Group'): string[] {
  return [...new Set(assignments.filter((a) => a.principalType === type).map((a) => a.principalId))];
}

export function named(group: GraphGroup): NamedGroup {
  return { id: group.id, displayName: group.displayName ?? '' };
}
