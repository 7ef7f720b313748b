import { compiledMapping, type MappingConfig } from '../../mapping/config.js';
import { attributesOf } from '../../mapping/expression.js';
import { mapLimit } from '../../util/concurrency.js';
import type { EntraGraph } from './client.js';
import type { ExpandedGraphUser, GraphUser } from './wire.js';

/** Whether the mapping reads `manager`, the Graph navigation property that `$select` cannot fetch. */
export function readsManager(mapping: MappingConfig | undefined): boolean {
  return Object.values(compiledMapping(mapping).user)
    .flatMap(attributesOf)
    .some((path) => path === 'manager');
}

/**
 * The manager's object id read with the users themselves: `GET /users?$expand=manager($select=id)` and
 * `GET /users/{id}?$expand=manager($select=id)` (https://learn.microsoft.com/graph/api/user-list-manager, which
 * also allows `$select` inside `$expand`). `$expand` is not supported with advanced queries
 * (https://learn.microsoft.com/graph/aad-advanced-queries); these reads send no `ConsistencyLevel` header.
 * `manager` is single-valued, so the 20-object cap on expanded directory relationships never applies
 * (https://developer.microsoft.com/graph/known-issues/?search=13635).
 */
export const MANAGER_EXPAND = 'manager($select=id)';

/** `$expand` for a user read: the manager when the mapping uses it, nothing otherwise. */
export function managerExpand(mapping: MappingConfig | undefined): { expand?: string } {
  return readsManager(mapping) ? { expand: MANAGER_EXPAND } : {};
}

/** A user read with `managerExpand`: an expanded manager becomes its object id, and none at all becomes null. */
export function expandedManager(user: ExpandedGraphUser, expand: { expand?: string }): GraphUser {
  if (expand.expand === undefined) return user as GraphUser;
  const id = user.manager?.id;
  return { ...user, manager: typeof id === 'string' ? id : null };
}

/**
 * Each user with `manager` set to the manager's object id, or null when Entra has none. A user whose read
 * already expanded the manager keeps it; the others are read one by one with `GET /users/{id}/manager`, which
 * answers the manager, or 404 when there is none (https://learn.microsoft.com/graph/api/user-list-manager).
 * Those are the users of reads that cannot expand it: group member collections, whose `$expand` is not
 * supported (https://learn.microsoft.com/graph/api/group-list-transitivemembers lists `$count`, `$filter`,
 * `$search`, `$select` and `$top`), and users kept from users/delta rounds (delta.ts).
 */
export async function withManagers(
  graph: EntraGraph,
  users: readonly GraphUser[],
  config: { mapping?: MappingConfig | undefined; concurrency: number },
  signal: AbortSignal,
): Promise<GraphUser[]> {
  if (!readsManager(config.mapping)) return [...users];
  const missing = users.filter((u) => u.manager === undefined);
  const managers = await mapLimit(missing, config.concurrency, (u) =>
    graph.get<{ id: string }>(`/users/${u.id}/manager`, { select: ['id'] }, signal),
  );
  const read = new Map(missing.map((u, i) => [u.id, managers[i]?.id ?? null]));
  return users.map((u) => (u.manager === undefined ? { ...u, manager: read.get(u.id) ?? null } : u));
}
