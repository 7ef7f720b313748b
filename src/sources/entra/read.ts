import type { EntraGraph } from './client.js';
import { mapLimit } from '../../util/concurrency.js';
import type { RawDirectory, ScopedGroup } from './assemble.js';
import {
  readScopeGroups,
  readScopedUsers,
  readUserMembers,
  type NamedGroup,
  type ReadMemo,
  type ScopeConfig,
} from './scope.js';
import { managerExpand } from './managers.js';
import { userSelect } from './wire.js';

/**
 * One complete read: every page of the users in scope, then every page of every scope group's
 * transitive members. Nothing is returned until the last page of the last collection was read;
 * any failure propagates and the caller plans nothing.
 */
export async function readEntraDirectory(
  graph: EntraGraph,
  config: ScopeConfig,
  signal: AbortSignal,
): Promise<RawDirectory> {
  const memo: ReadMemo = {};
  const query = { select: userSelect(config.mapping), ...managerExpand(config.mapping) };
  const users = await readScopedUsers(graph, config, query, signal, memo);
  const groups = await readGroupMembers(
    graph,
    await readScopeGroups(graph, config, signal, memo),
    config.concurrency,
    signal,
  );
  return { users, groups };
}

/**
 * The user ids under each group, nesting flattened server-side by `transitiveMembers`, so a group
 * nested anywhere below counts once and cycles cannot loop
 * (https://learn.microsoft.com/graph/api/group-list-transitivemembers).
 */
export async function readGroupMembers(
  graph: EntraGraph,
  groups: readonly NamedGroup[],
  concurrency: number,
  signal: AbortSignal,
): Promise<ScopedGroup[]> {
  return mapLimit(groups, concurrency, async (group) => {
    const members = await readUserMembers(graph, group.id, 'transitiveMembers', ['id'], signal);
    return { id: group.id, displayName: group.displayName, memberIds: [...new Set(members.map((m) => m.id))] };
  });
}
