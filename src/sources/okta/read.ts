import type { OktaApi, OktaGroup, OktaUser } from './client.js';
import type { OktaScope } from './config.js';
import { mapConcurrent } from './limit.js';
import {
  groupEntry,
  isoTime,
  userEntry,
  withAppUserName,
  type Directory,
  type GroupEntry,
  type TransformSpec,
  type UserEntry,
  type Watermarks,
} from './transform.js';

export interface RoundSpec extends TransformSpec {
  scope: OktaScope;
  /** Member lists and user look-ups read at once; the executor bounds requests in flight anyway. */
  concurrency: number;
}

/** What an incremental round starts from: the last complete round, and from when user changes are read. */
export interface Baseline {
  directory: Directory;
  /** Users with a later `lastUpdated` are re-read. */
  since: Watermarks;
}

/**
 * One complete read round, returned only after the last page of every collection;
 * any failure throws and nothing is returned.
 *
 * Without a baseline it is a full read: the scope's groups, every member list and (appAssignments) every
 * assignment with its user embedded. With a baseline it is incremental: the scope's groups and assignment
 * ids are still listed in full, since removals show only there, but a group's members are re-listed only
 * when its `lastMembershipUpdated` differs from the stored one, users are re-read only when
 * `search=lastUpdated gt …` names them (search includes DEPROVISIONED users), and users
 * new to the scope are fetched one by one.
 *
 * The new watermark is the newest `lastUpdated` seen, but never later than `startedAt`: a user changed
 * while the round ran may have been read before the change.
 */
export async function readRound(
  api: OktaApi,
  spec: RoundSpec,
  baseline?: Baseline,
  startedAt: number = Date.now(),
): Promise<Directory> {
  const round = new Round(spec, baseline?.directory.watermarks ?? {}, startedAt);
  const scopeGroups = await readScopeGroups(api, spec.scope, spec.concurrency);
  const appUsers =
    spec.scope.type === 'appAssignments'
      ? await readAppUsers(api, spec.scope.appId, round, baseline === undefined)
      : new Map<string, unknown>();
  const assigned = [...appUsers.keys()];
  const groups = await mapConcurrent(scopeGroups, spec.concurrency, (group) =>
    readGroup(api, group, round, baseline, spec),
  );
  const inScope = new Set([
    ...assigned,
    ...groups.flatMap(([, entry]) => (entry.kind === 'group' ? entry.memberIds : [])),
  ]);
  const since = baseline?.since.lastUpdated;
  if (since !== undefined) {
    for await (const user of api.searchUsers(`lastUpdated gt "${since}"`)) {
      if (user.id !== undefined && inScope.has(user.id)) round.seeUser(user);
      else round.observeUser(user);
    }
  }
  const users = await resolveUsers(api, inScope, round, baseline, spec.concurrency);
  if (spec.attributes.userName === 'appUserName')
    for (const [id, entry] of users) users.set(id, withAppUserName(entry, appUsers.get(id)));
  return { users, groups: new Map(groups), watermarks: round.watermarks() };
}

/** The groups in scope: assigned to the app, or configured by id and/or search. A configured id that is gone fails the read. */
async function readScopeGroups(api: OktaApi, scope: OktaScope, concurrency: number): Promise<OktaGroup[]> {
  if (scope.type === 'appAssignments') return collect(api.listAppGroups(scope.appId));
  const byId = await mapConcurrent(scope.ids, concurrency, async (id) => {
    const group = await api.getGroup(id);
    if (group === undefined) throw new Error(`configured group ${id} does not exist in Okta; fix scope.ids`);
    return group;
  });
  const found = scope.search === undefined ? [] : await collect(api.searchGroups(scope.search));
  const unique = new Map<string, OktaGroup>();
  for (const group of [...byId, ...found]) unique.set(requireId(group, 'group'), group);
  return [...unique.values()];
}

/** Assignment id → the app user's `credentials.userName`; in a full read each assignment's embedded user is taken as read. */
async function readAppUsers(api: OktaApi, appId: string, round: Round, full: boolean): Promise<Map<string, unknown>> {
  const ids = new Map<string, unknown>();
  for await (const assignment of api.listAppUsers(appId, full)) {
    const id = requireId(assignment, 'app user');
    if (full) {
      const user = assignment._embedded?.user as OktaUser | undefined;
      if (user?.id !== id) throw new Error(`app user ${id} came without its user in _embedded.user (expand=user)`);
      round.seeUser(user);
    }
    ids.set(id, assignment.credentials?.userName);
  }
  return ids;
}

async function readGroup(
  api: OktaApi,
  group: OktaGroup,
  round: Round,
  baseline: Baseline | undefined,
  spec: RoundSpec,
): Promise<[string, GroupEntry]> {
  const id = requireId(group, 'group');
  const unchanged = groupEntry(group, [], spec.mapping);
  if (unchanged.kind === 'skipped') return [id, unchanged];
  const previous = baseline?.directory.groups.get(id);
  // Compared per group rather than against a watermark: equal stamps need no clock and no overlap.
  if (
    previous?.kind === 'group' &&
    unchanged.lastMembershipUpdated !== undefined &&
    previous.lastMembershipUpdated === unchanged.lastMembershipUpdated
  ) {
    return [id, groupEntry(group, previous.memberIds, spec.mapping)];
  }
  const memberIds: string[] = [];
  for await (const user of api.listGroupUsers(id)) memberIds.push(round.seeUser(user));
  return [id, groupEntry(group, memberIds, spec.mapping)];
}

/** Every in-scope user: read in this round, else as the baseline had it, else fetched; a user Okta no longer has is left out. */
async function resolveUsers(
  api: OktaApi,
  inScope: ReadonlySet<string>,
  round: Round,
  baseline: Baseline | undefined,
  concurrency: number,
): Promise<Map<string, UserEntry>> {
  const known = (id: string): UserEntry | undefined => round.seen.get(id) ?? baseline?.directory.users.get(id);
  const missing = [...inScope].filter((id) => known(id) === undefined);
  const fetched = await mapConcurrent(missing, concurrency, (id) => api.getUser(id));
  for (const user of fetched) if (user !== undefined) round.seeUser(user);
  const users = new Map<string, UserEntry>();
  for (const id of inScope) {
    const entry = known(id);
    if (entry !== undefined) users.set(id, entry);
  }
  return users;
}

/** What a round has read so far, and the newest user `lastUpdated` it has seen. */
class Round {
  readonly seen = new Map<string, UserEntry>();
  private lastUpdated: number | undefined;

  constructor(
    private readonly spec: TransformSpec,
    previous: Watermarks,
    private readonly startedAt: number,
  ) {
    this.lastUpdated = timeOf(previous.lastUpdated);
  }

  seeUser(user: OktaUser): string {
    const id = requireId(user, 'user');
    this.seen.set(id, userEntry({ ...user, id }, this.spec));
    this.observeUser(user);
    return id;
  }

  observeUser(user: OktaUser): void {
    const time = timeOf(isoTime(user.lastUpdated));
    if (time !== undefined && (this.lastUpdated === undefined || time > this.lastUpdated)) this.lastUpdated = time;
  }

  watermarks(): Watermarks {
    return this.lastUpdated === undefined
      ? {}
      : { lastUpdated: new Date(Math.min(this.lastUpdated, this.startedAt)).toISOString() };
  }
}

/** Okta always sends ids; an object without one means the response is not what it seems. */
function requireId<T extends { id?: string }>(object: T, what: string): string {
  if (typeof object.id !== 'string' || object.id === '') throw new Error(`Okta returned a ${what} without an id`);
  return object.id;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function timeOf(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Date.parse(value);
}
