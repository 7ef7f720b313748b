import { SCHEMA_ENTERPRISE_USER } from '../scim/wire.js';
import { ScimError, DETAIL_NO_USER, invalid } from './errors.js';
import { matchTerms, parseFilter, type FilterTerm } from './filter.js';
import { resultFromArray, type ResultSet } from './result-set.js';
import { isLagging, settledOnly } from './lag.js';
import type { DirectoryStore, StoredGroup, StoredUser } from './store.js';
import type { EmulatorOptions } from './types.js';

/**
 * Which resources a ListUsers/ListGroups filter selects. Only the attribute combinations the DG lists are
 * accepted; any other combination is a 400 (DG/listusers, DG/listgroups).
 */

type Lagging = (object: { visibleFrom: number } | undefined) => boolean;
type Resolver<T> = (values: Map<string, string>, store: DirectoryStore, lagging: Lagging) => ResultSet<T>;

function one<T>(item: T | undefined): ResultSet<T> {
  return resultFromArray(item === undefined ? [] : [item]);
}

function get(values: Map<string, string>, name: string): string {
  return values.get(name.toLowerCase()) ?? '';
}

/** DG/listusers: `userName`, `externalId`, `groups.value`, `id` (valid, discouraged) and `id` with `manager`. */
const USER_FILTERS: [readonly string[], Resolver<StoredUser>][] = [
  [['userName'], (v, s) => one(s.findUserByUserName(get(v, 'userName')))],
  [['externalId'], (v, s) => one(s.findUserByExternalId(get(v, 'externalId')))],
  // An unknown group lists no users: only the member filter of ListGroups is documented to answer 404.
  [
    ['groups.value'],
    (v, s, lag) =>
      lag(s.getGroup(get(v, 'groups.value'))) ? resultFromArray([]) : s.usersInGroup(get(v, 'groups.value')),
  ],
  [['id'], (v, s) => one(s.getUser(get(v, 'id')))],
  [['id', 'manager'], (v, s) => one(userWithManager(s.getUser(get(v, 'id')), get(v, 'manager')))],
];

/** DG/listgroups: `displayName`, `externalId`, `members.value`, and `id` with `members` ("id and member"). */
const GROUP_FILTERS: [readonly string[], Resolver<StoredGroup>][] = [
  [['displayName'], (v, s) => one(s.findGroupByDisplayName(get(v, 'displayName')))],
  [['externalId'], (v, s) => resultFromArray(s.findGroupsByExternalId(get(v, 'externalId')))],
  [['members.value'], (v, s, lag) => s.groupsOfUser(requireUser(s, get(v, 'members.value'), lag))],
  [['id'], (v, s) => one(s.getGroup(get(v, 'id')))],
  [['id', 'members'], (v, s, lag) => one(groupWithMember(s, get(v, 'id'), requireUser(s, get(v, 'members'), lag)))],
];

function userWithManager(user: StoredUser | undefined, managerId: string): StoredUser | undefined {
  return user?.data[SCHEMA_ENTERPRISE_USER]?.manager?.value === managerId ? user : undefined;
}

/** DG/listgroups: a member filter naming a user that does not exist is a 404, not an empty list. */
function requireUser(store: DirectoryStore, userId: string, lagging: Lagging): string {
  const user = store.getUser(userId);
  if (!user || lagging(user)) throw new ScimError(404, 'member filter names an unknown user', DETAIL_NO_USER);
  return userId;
}

function groupWithMember(store: DirectoryStore, groupId: string, userId: string): StoredGroup | undefined {
  return store.isMember(groupId, userId) ? store.getGroup(groupId) : undefined;
}

function resolve<T extends { visibleFrom: number }>(
  filter: string | null,
  store: DirectoryStore,
  all: () => ResultSet<T>,
  table: [readonly string[], Resolver<T>][],
  options: Pick<EmulatorOptions, 'consistencyLagMs'>,
): ResultSet<T> {
  if (filter === null) return all();
  const terms: FilterTerm[] = parseFilter(filter);
  const lagging: Lagging = (object) => isLagging(object, options);
  for (const [combination, resolver] of table) {
    const values = matchTerms(terms, combination);
    if (values) return settledOnly(resolver(values, store, lagging), options);
  }
  throw invalid('filter: unsupported attribute or combination');
}

/** Filtered results leave out objects still inside the emulated read-after-write lag (./lag.ts). */
export function queryUsers(
  filter: string | null,
  store: DirectoryStore,
  options: Pick<EmulatorOptions, 'consistencyLagMs'>,
): ResultSet<StoredUser> {
  return resolve(filter, store, () => store.allUsers(), USER_FILTERS, options);
}

export function queryGroups(
  filter: string | null,
  store: DirectoryStore,
  options: Pick<EmulatorOptions, 'consistencyLagMs'>,
): ResultSet<StoredGroup> {
  return resolve(filter, store, () => store.allGroups(), GROUP_FILTERS, options);
}
