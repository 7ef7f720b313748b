import { compiledMapping, type MappingConfig } from '../../mapping/config.js';
import { attributesOf } from '../../mapping/expression.js';
import { mapLimit } from '../../util/concurrency.js';
import type { EntraGraph } from './client.js';
import type { GraphUser } from './wire.js';

/** Whether the mapping reads `manager`, the Graph navigation property that `$select` cannot fetch. */
export function readsManager(mapping: MappingConfig | undefined): boolean {
  return Object.values(compiledMapping(mapping).user)
    .flatMap(attributesOf)
    .some((path) => path === 'manager');
}

/**
 * Each user with `manager` set to the manager's object id, or null when Entra has none:
 * `GET /users/{id}/manager` answers the manager, or 404 when there is none
 * (https://learn.microsoft.com/graph/api/user-list-manager). One request per user, so only when a
 * mapping uses it; it works the same for every scope and for users kept from a delta read.
 */
export async function withManagers(
  graph: EntraGraph,
  users: readonly GraphUser[],
  config: { mapping?: MappingConfig | undefined; concurrency: number },
  signal: AbortSignal,
): Promise<GraphUser[]> {
  if (!readsManager(config.mapping)) return [...users];
  const managers = await mapLimit([...users], config.concurrency, (u) =>
    graph.get<{ id: string }>(`/users/${u.id}/manager`, { select: ['id'] }, signal),
  );
  return users.map((u, i) => ({ ...u, manager: managers[i]?.id ?? null }));
}
