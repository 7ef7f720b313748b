import { graphError, type FakeResponse, type RecordedRequest } from './graphFake.js';

/**
 * `$expand` on the Graph fake (graphFake.ts): the manager of a user, read with the user list or a single
 * user, and the restrictions Graph documents for `$expand` on the requests this project makes.
 */

/** Page size cap of a directory-object list read with `$expand` (see `list`). */
export const EXPANDED_PAGE_MAX = 100;

/** The parsed `$expand=manager(...)`: `select` is the nested `$select`, or undefined for the default properties. */
export interface ManagerExpand {
  select: string[] | undefined;
}

/**
 * `manager` or `manager($select=a,b)`, the forms https://learn.microsoft.com/graph/api/user-list-manager documents for
 * `GET /users?$expand=manager` and `GET /users/{id}?$expand=manager`; anything else is not parsed here.
 */
export function managerExpand(raw: string | null | undefined): ManagerExpand | undefined {
  const match = /^manager(?:\((.*)\))?$/.exec(raw ?? '');
  if (match === null) return undefined;
  const select = /^\$select=([^;]+)$/.exec(match[1] ?? '')?.[1]?.split(',');
  return { select };
}

/**
 * The `$expand` restrictions Graph documents for the requests this fake serves, answered as Graph does:
 * - not with advanced queries (`ConsistencyLevel: eventual`): https://learn.microsoft.com/graph/aad-advanced-queries;
 * - `$levels` only on a single user, never on the user list: https://learn.microsoft.com/graph/api/user-list-manager;
 * - member collections take `$count`, `$filter`, `$search`, `$select` and `$top`, not `$expand`:
 *   https://learn.microsoft.com/graph/api/group-list-transitivemembers. Their items are directoryObjects, and
 *   `manager` is a relationship of user only (https://learn.microsoft.com/graph/api/resources/user).
 * Anything else the fake does not model (other relationships, `$expand` on delta) is refused as not served.
 */
export function refuseExpand(r: RecordedRequest): FakeResponse | undefined {
  const raw = r.query.get('$expand');
  if (raw === null) return undefined;
  const unsupported = (message: string) => graphError(400, 'Request_UnsupportedQuery', message);
  if (r.consistencyLevel === 'eventual') return unsupported('$expand is not supported with advanced queries.');
  if (/\/(members|transitiveMembers)$/.test(r.path)) return unsupported('Unsupported Query.');
  if (/\$levels=/i.test(raw) && r.path === '/users')
    return unsupported('$levels is supported only on a single user, not on the user list.');
  const single = /^\/users\/[^/]+$/.test(r.path) && r.path !== '/users/delta';
  if ((r.path === '/users' || single) && managerExpand(raw) !== undefined) return undefined;
  return graphError(400, 'BadRequest', `the fake does not serve $expand=${raw} on ${r.path}`);
}
