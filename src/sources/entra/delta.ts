import { createHash } from 'node:crypto';
import type { Logger } from '../../log/logger.js';
import type { SourceStateStore } from '../types.js';
import type { RawDirectory, ScopedGroup } from './assemble.js';
import type { EntraGraph, GraphQuery } from './client.js';
import type { EntraSourceConfig } from './config.js';
import {
  applyGroupDelta,
  applyUserDelta,
  withAncestors,
  type GroupChanges,
  type GroupTracking,
  type UserChangeCounts,
} from './delta-merge.js';
import { GraphRequestError, isExpiredDeltaToken } from './graph-error.js';
import { readGroupMembers } from './read.js';
import { selectGroups, type NamedGroup } from './scope.js';
import { userSelect, type GraphUser, type GroupDeltaItem, type UserDeltaItem } from './wire.js';

/**
 * Incremental reads through users/delta and groups/delta (https://learn.microsoft.com/graph/delta-query-overview).
 *
 * The source state holds the delta links and the merged directory they apply to. A round reads
 * both delta collections to their `@odata.deltaLink`, then re-reads `transitiveMembers` of every
 * scope group whose own direct members changed or that contains, at any depth, a group that
 * changed: `members@delta` reports direct members only, so nesting is re-expanded by Graph rather
 * than by replaying membership edits here. The state is saved only after the whole round, so a
 * failed round is replayed from the old links next time.
 *
 * An expired token (410 Gone, syncStateNotFound, resyncRequired) starts a new enumeration from
 * scratch, a full read; it is never read as "everything was deleted".
 */

export const DELTA_STATE_KEY = 'entra-delta';
const STATE_VERSION = 1;

export interface DeltaState extends GroupTracking {
  version: typeof STATE_VERSION;
  /** Hash of the settings the stored directory depends on; a change starts a new enumeration. */
  fingerprint: string;
  usersDeltaLink: string;
  /** Absent when no groups are in scope: groups/delta is then not followed at all. */
  groupsDeltaLink?: string;
  users: Record<string, GraphUser>;
  /** Groups in scope, with their transitive user ids as last read. */
  groups: Record<string, ScopedGroup>;
}

export type DeltaConfig = Pick<EntraSourceConfig, 'tenantId' | 'graphBaseUrl' | 'scope' | 'concurrency' | 'mapping'>;

type IncrementalGroupsScope = Exclude<EntraSourceConfig['scope']['groups'], 'appAssignments'>;

export async function readIncremental(
  graph: EntraGraph,
  store: SourceStateStore,
  config: DeltaConfig,
  log: Logger,
  signal: AbortSignal,
): Promise<RawDirectory> {
  const fingerprint = fingerprintOf(config);
  const saved = await store.load<DeltaState>(DELTA_STATE_KEY);
  let next: DeltaState;
  if (saved === undefined || saved.version !== STATE_VERSION || saved.fingerprint !== fingerprint) {
    log.info(
      { reason: saved === undefined ? 'no saved delta state' : 'scope or endpoint changed' },
      'delta: enumerating the directory from scratch',
    );
    next = await initialRound(graph, config, fingerprint, log, signal);
  } else {
    try {
      // A copy: a round that fails half-way must leave nothing of itself in what the store handed out.
      next = await nextRound(graph, config, structuredClone(saved), log, signal);
    } catch (err) {
      if (!isExpiredDeltaToken(err)) throw err;
      log.warn({ status: err.status, code: err.graphCode }, 'delta: token expired; falling back to a full read');
      next = await initialRound(graph, config, fingerprint, log, signal);
    }
  }
  await store.save(DELTA_STATE_KEY, next);
  return { users: Object.values(next.users), groups: Object.values(next.groups) };
}

async function initialRound(
  graph: EntraGraph,
  config: DeltaConfig,
  fingerprint: string,
  log: Logger,
  signal: AbortSignal,
): Promise<DeltaState> {
  const users: Record<string, GraphUser> = {};
  // No `$expand=manager` here: users/delta reports a manager as `manager@delta` change entries (the users/delta
  // example in https://github.com/microsoft/api-guidelines/blob/vNext/graph/patterns/change-tracking.md), and a
  // round lists only the users that changed (https://learn.microsoft.com/graph/delta-query-overview), so the
  // stored directory would have to replay those entries, removals included, from its first round on. A mapped
  // manager of a delta read is read per user after the round instead (managers.ts `withManagers`).
  const usersDeltaLink = await drain<UserDeltaItem>(
    graph,
    '/users/delta',
    { select: userSelect(config.mapping) },
    signal,
    (items) => void applyUserDelta(users, items),
  );
  const state: DeltaState = {
    version: STATE_VERSION,
    fingerprint,
    usersDeltaLink,
    users,
    groupNames: {},
    childGroups: {},
    groups: {},
  };
  const scope = groupsScope(config);
  if (scope !== 'none') {
    const changes = emptyChanges();
    state.groupsDeltaLink = await drain<GroupDeltaItem>(
      graph,
      '/groups/delta',
      { select: ['displayName', 'members'] },
      signal,
      (items) => applyGroupDelta(state, items, changes),
    );
    const read = await readGroupMembers(graph, selectGroups(scope, namedGroups(state)), config.concurrency, signal);
    state.groups = Object.fromEntries(read.map((g) => [g.id, g]));
  }
  log.info(
    { users: Object.keys(users).length, groups: Object.keys(state.groups).length },
    'delta: enumeration complete',
  );
  return state;
}

async function nextRound(
  graph: EntraGraph,
  config: DeltaConfig,
  state: DeltaState,
  log: Logger,
  signal: AbortSignal,
): Promise<DeltaState> {
  const userCounts: UserChangeCounts = { updated: 0, softDeleted: 0, deleted: 0 };
  state.usersDeltaLink = await drain<UserDeltaItem>(graph, state.usersDeltaLink, {}, signal, (items) => {
    const counts = applyUserDelta(state.users, items);
    userCounts.updated += counts.updated;
    userCounts.softDeleted += counts.softDeleted;
    userCounts.deleted += counts.deleted;
  });
  const scope = groupsScope(config);
  if (scope === 'none' || state.groupsDeltaLink === undefined) {
    log.info({ ...userCounts }, 'delta: round complete');
    return state;
  }
  const changes = emptyChanges();
  state.groupsDeltaLink = await drain<GroupDeltaItem>(graph, state.groupsDeltaLink, {}, signal, (items) =>
    applyGroupDelta(state, items, changes),
  );
  const inScope = selectGroups(scope, namedGroups(state));
  const affected = withAncestors(changes.changed, state.childGroups);
  const stale = inScope.filter((g) => affected.has(g.id) || state.groups[g.id] === undefined);
  const fresh = new Map((await readGroupMembers(graph, stale, config.concurrency, signal)).map((g) => [g.id, g]));
  state.groups = Object.fromEntries(
    inScope.flatMap((g) => {
      const old = state.groups[g.id];
      const group = fresh.get(g.id) ?? (old && { ...old, displayName: g.displayName });
      return group ? [[g.id, group] as const] : [];
    }),
  );
  log.info(
    {
      ...userCounts,
      groupsChanged: changes.changed.size,
      groupsRemoved: changes.removed.size,
      groupsReread: stale.length,
    },
    'delta: round complete',
  );
  return state;
}

/**
 * Follows a delta round to its end. A round is complete only when a page carries
 * `@odata.deltaLink`; pages are applied as they arrive, but the caller saves nothing until then.
 */
async function drain<T>(
  graph: EntraGraph,
  start: string,
  query: GraphQuery,
  signal: AbortSignal,
  apply: (items: T[]) => void,
): Promise<string> {
  let deltaLink: string | undefined;
  for await (const page of graph.pages<T>(start, query, signal)) {
    apply(page.value);
    deltaLink = page.deltaLink;
  }
  if (deltaLink === undefined)
    throw new GraphRequestError(
      `delta round of ${new URL(start, 'https://graph.invalid').pathname} ended without @odata.deltaLink`,
    );
  return deltaLink;
}

function groupsScope(config: DeltaConfig): IncrementalGroupsScope {
  const scope = config.scope.groups;
  if (scope === 'appAssignments') throw new Error('incremental reads cannot follow app assignments');
  return scope;
}

function namedGroups(tracking: GroupTracking): NamedGroup[] {
  return Object.entries(tracking.groupNames).map(([id, displayName]) => ({ id, displayName }));
}

function emptyChanges(): GroupChanges {
  return { changed: new Set(), removed: new Set() };
}

function fingerprintOf(config: DeltaConfig): string {
  const basis = {
    v: STATE_VERSION,
    tenantId: config.tenantId,
    graphBaseUrl: config.graphBaseUrl,
    users: userSelect(config.mapping),
    scope: config.scope,
  };
  return createHash('sha256').update(JSON.stringify(basis)).digest('hex');
}
