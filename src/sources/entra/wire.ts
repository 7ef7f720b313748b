import { compiledMapping, type MappingConfig } from '../../mapping/config.js';
import { attributesOf } from '../../mapping/expression.js';

/**
 * The Graph v1.0 shapes this source reads, limited to the properties it selects. Graph returns
 * `null` for a selected property that is not set, and omits properties that were not selected.
 */

/**
 * Every user property the mapping uses (transform.ts). `GET /users` returns only a default set;
 * accountEnabled, otherMails, proxyAddresses, employeeId, department, companyName and userType come
 * back only when named in `$select` (https://learn.microsoft.com/graph/api/user-list).
 */
export const USER_SELECT = [
  'id',
  'userPrincipalName',
  'mail',
  'otherMails',
  'proxyAddresses',
  'displayName',
  'givenName',
  'surname',
  'accountEnabled',
  'userType',
  'businessPhones',
  'mobilePhone',
  'jobTitle',
  'department',
  'employeeId',
  'companyName',
] as const;

export const GROUP_SELECT = ['id', 'displayName'] as const;

/** USER_SELECT and the properties a configured mapping reads (for a dotted path, its top-level property). */
export function userSelect(mapping: MappingConfig | undefined): readonly string[] {
  const read = Object.values(compiledMapping(mapping).user).flatMap(attributesOf);
  // `manager` is a navigation property, expanded or read per user (managers.ts), not a property to select.
  const extra = read
    .map((path) => path.split('.')[0] ?? path)
    .filter((p) => p !== 'manager' && !(USER_SELECT as readonly string[]).includes(p));
  return extra.length === 0 ? USER_SELECT : [...USER_SELECT, ...new Set(extra)];
}

export interface GraphUser {
  id: string;
  /** The manager's object id, null when Entra has none; only present when a mapping reads it (managers.ts). */
  manager?: string | null;
  userPrincipalName?: string | null;
  mail?: string | null;
  otherMails?: string[] | null;
  proxyAddresses?: string[] | null;
  displayName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
  businessPhones?: string[] | null;
  mobilePhone?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  employeeId?: string | null;
  companyName?: string | null;
}

/**
 * A user as Graph answers it with `$expand=manager($select=id)`: the manager as an object, left out when the user
 * has none (https://learn.microsoft.com/graph/api/user-list-manager).
 */
export type ExpandedGraphUser = Omit<GraphUser, 'manager'> & { manager?: { id?: unknown } | null };

export interface GraphGroup {
  id: string;
  displayName?: string | null;
}

/** An item of a directoryObject collection (members, transitiveMembers); `@odata.type` names the derived type. */
export interface GraphDirectoryObject {
  '@odata.type'?: string;
  id: string;
}

export const ODATA_USER = '#microsoft.graph.user';
export const ODATA_GROUP = '#microsoft.graph.group';

/** `GET /servicePrincipals/{id}/appRoleAssignedTo` item (learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto). */
export interface AppRoleAssignment {
  principalId: string;
  /** `User`, `Group` or `ServicePrincipal`. */
  principalType: string;
  principalDisplayName?: string | null;
}

/**
 * A deleted object in a delta round. `changed` = soft-deleted (restorable for 30 days), `deleted` =
 * gone for good (learn.microsoft.com/graph/delta-query-overview).
 */
export interface RemovedAnnotation {
  '@removed'?: { reason?: string };
}

/** A groups/delta item: `members@delta` lists direct member changes, removals carrying `@removed`. */
export interface GroupDeltaItem extends GraphGroup, RemovedAnnotation {
  'members@delta'?: Array<GraphDirectoryObject & RemovedAnnotation>;
}

export type UserDeltaItem = GraphUser & RemovedAnnotation;

/** One page of a collection. A delta round's last page carries `@odata.deltaLink` instead of a nextLink. */
export interface GraphPage<T> {
  value: T[];
  nextLink?: string;
  deltaLink?: string;
}
