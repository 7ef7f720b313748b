import type { Group } from '../../model/group.js';
import { makeExternalId, type ExternalId } from '../../model/ids.js';
import type { User } from '../../model/user.js';
import type { EntraGraph } from './client.js';
import { GUID_PATTERN } from './config.js';
import { isGroupInScope, named, readScopedUserIds, readUserMembers, type ScopeConfig } from './scope.js';
import { provenanceOf, transformUser, type TransformOptions } from './transform.js';
import { groupName } from './assemble.js';
import { expandedManager, managerExpand, withManagers } from './managers.js';
import { GROUP_SELECT, userSelect, type ExpandedGraphUser, type GraphGroup } from './wire.js';

/**
 * Targeted re-reads for webhook-triggered syncs (a notification is "re-read this id", never data).
 * An object that is gone, outside the scope, or skipped by the mapping reads as
 * null, exactly as it would be absent from a full read.
 */

export type RereadConfig = ScopeConfig & TransformOptions;

export async function rereadEntraUser(
  graph: EntraGraph,
  config: RereadConfig,
  id: string,
  signal: AbortSignal,
): Promise<User | null> {
  // The id goes into a URL path; anything but an object id cannot name a user of this source.
  if (!GUID_PATTERN.test(id)) return null;
  const query = { select: userSelect(config.mapping), ...managerExpand(config.mapping) };
  const found = await graph.get<ExpandedGraphUser>(`/users/${id}`, query, signal);
  if (found === null) return null;
  const raw = expandedManager(found, query);
  const scoped = await readScopedUserIds(graph, config, signal);
  if (scoped !== 'all' && !scoped.has(raw.id)) return null;
  const [withManager] = await withManagers(graph, [raw], config, signal);
  const outcome = transformUser(withManager ?? raw, config);
  return outcome.kind === 'user' ? outcome.user : null;
}

/** The group with its transitive user members that are users of this source (in scope and not skipped). */
export async function rereadEntraGroup(
  graph: EntraGraph,
  config: RereadConfig,
  id: string,
  signal: AbortSignal,
): Promise<Group | null> {
  if (!GUID_PATTERN.test(id)) return null;
  const found = await graph.get<GraphGroup>(`/groups/${id}`, { select: GROUP_SELECT }, signal);
  if (found === null) return null;
  const group = named(found);
  if (!(await isGroupInScope(graph, config, group, signal))) return null;
  const members = await readUserMembers(graph, group.id, 'transitiveMembers', userSelect(config.mapping), signal);
  const scoped = await readScopedUserIds(graph, config, signal);
  const memberUsers = new Set<ExternalId>();
  for (const member of members) {
    if (scoped !== 'all' && !scoped.has(member.id)) continue;
    const outcome = transformUser(member, config);
    if (outcome.kind === 'user') memberUsers.add(outcome.user.externalId);
  }
  const displayName = groupName(group, config);
  if (displayName === undefined) return null;
  return {
    externalId: makeExternalId(config.id, group.id),
    displayName,
    memberUsers: [...memberUsers],
    memberGroups: [],
    provenance: provenanceOf(config.id, group.id),
  };
}
