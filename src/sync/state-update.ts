import { ownedOnly, type OwnershipTest } from '../model/aws.js';
import type { OperationResult } from '../apply/outcome.js';
import type { DesiredState, Plan } from '../diff/index.js';
import type { TargetGroup, TargetUser } from '../model/aws.js';
import type { SyncState } from '../state/store.js';
import { decodeMembers, encodeMembers } from '../state/member-set.js';

export interface StateUpdateInput {
  state: SyncState;
  desired: DesiredState;
  current: { users: readonly TargetUser[]; groups: readonly TargetGroup[] };
  isOwned: OwnershipTest;
  snapshots: { sourceId: string; users: number; groups: number }[];
  /** Members read from AWS this run, by group AWS id (AWS user ids). */
  readMembers: ReadonlyMap<string, ReadonlySet<string>>;
  /** Stored member sets this run planned from, by group AWS id (externalIds). */
  storedMembers: ReadonlyMap<string, readonly string[]>;
  /** AWS user id → externalId of our users. */
  ownedUserExt: ReadonlyMap<string, string>;
  plan: Plan;
  results: readonly OperationResult[];
  now: number;
  /** False when a group created with members in the POST did not hold them when read back (inline-check.ts). */
  inlineMembersKept?: boolean;
}

/**
 * The state after a sync: out-of-scope timestamps start (or clear) the delete grace period;
 * source sizes feed the shrink guard; each group's member set records what AWS holds after this run.
 */
export function nextState(input: StateUpdateInput): SyncState {
  const { state, desired, now } = input;
  const iso = new Date(now).toISOString();
  const outOfScopeSince: Record<string, string> = {};
  const owned = ownedOnly([...input.current.users, ...input.current.groups], input.isOwned);
  for (const o of owned) {
    if (!desired.inScope.has(o.externalId)) outOfScopeSince[o.externalId] = state.outOfScopeSince[o.externalId] ?? iso;
  }
  const deleted = new Set(
    input.results
      .filter((r) => r.status === 'applied' && (r.kind === 'deleteUser' || r.kind === 'deleteGroup'))
      .map((r) => r.externalId),
  );
  for (const ext of deleted) delete outOfScopeSince[ext];

  const sources = { ...state.sources };
  for (const s of input.snapshots) sources[s.sourceId] = { users: s.users, groups: s.groups, at: iso };

  return { ...state, sources, outOfScopeSince, groups: nextGroupRecords(input, iso) };
}

type GroupRecords = SyncState['groups'];

const MEMBER_KINDS: ReadonlySet<string> = new Set(['addMembers', 'removeMembers']);

/**
 * Each group's record is what AWS holds after this run: the set read this run (or the stored set,
 * or the members sent in the POST for a group this run created), then every member change this run applied. A group
 * whose member change failed, or needed a retry or a re-read (lag, a refused PATCH), gets no record
 * and is read again next run. Users this run created or deleted leave every set: a deleted user's
 * memberships are gone in AWS, and a user created again is a new AWS object in no group yet.
 */
function nextGroupRecords(input: StateUpdateInput, iso: string): GroupRecords {
  const { plan, results } = input;
  const applied = (i: number): boolean => results[i]?.status === 'applied';
  const unsure = new Set<string>();
  const createdIds = new Map<string, string>();
  const resetUsers = new Set<string>();
  const changes = new Map<string, { add: string[]; remove: string[] }>();
  plan.operations.forEach((op, i) => {
    const r = results[i];
    if (op.kind === 'createGroup' || op.kind === 'adoptGroup') {
      // A create that found the group already there (a lost response, a 409) may have found members.
      const distrusted = op.kind === 'createGroup' && op.members !== undefined && input.inlineMembersKept === false;
      if (!applied(i) || r?.note !== undefined || distrusted)
        unsure.add(op.kind === 'createGroup' ? op.externalId : op.target.externalId);
      else if (op.kind === 'createGroup' && r?.scimId) {
        createdIds.set(op.externalId, r.scimId);
        if (op.members) changes.set(op.externalId, { add: op.members.map((m) => m.externalId), remove: [] });
      }
    } else if ((op.kind === 'createUser' || op.kind === 'deleteUser') && applied(i)) {
      resetUsers.add(op.kind === 'createUser' ? op.user.externalId : op.target.externalId);
    } else if (op.kind === 'addMembers' || op.kind === 'removeMembers') {
      const ext = op.group.externalId;
      if (!applied(i) || r?.note !== undefined) unsure.add(ext);
      const change = changes.get(ext) ?? { add: [], remove: [] };
      for (const m of op.members) (op.kind === 'addMembers' ? change.add : change.remove).push(m.externalId);
      changes.set(ext, change);
    }
  });
  const idByExt = new Map<string, string>();
  for (const g of input.current.groups) if (g.externalId) idByExt.set(g.externalId, g.id);
  const groups: GroupRecords = {};
  for (const d of input.desired.groups) {
    const ext = d.externalId;
    const scimId = idByExt.get(ext) ?? createdIds.get(ext);
    if (unsure.has(ext) || scimId === undefined) continue;
    const base = baseMembers(input, ext, scimId, createdIds.has(ext));
    if (!base) continue;
    const members = new Set(base.members.filter((m) => !resetUsers.has(m)));
    const change = changes.get(ext);
    for (const m of change?.remove ?? []) members.delete(m);
    for (const m of change?.add ?? []) members.add(m);
    groups[ext] = { scimId, members: encodeMembers(members), verifiedAt: base.verifiedAt ?? iso };
  }
  return groups;
}

/** Where a group's set starts: read this run, created empty this run, or the stored set. */
function baseMembers(
  input: StateUpdateInput,
  ext: string,
  scimId: string,
  created: boolean,
): { members: readonly string[]; verifiedAt?: string } | undefined {
  const read = input.readMembers.get(scimId);
  if (read) return { members: [...read].flatMap((id) => input.ownedUserExt.get(id) ?? []) };
  if (created) return { members: [] };
  const stored = input.storedMembers.get(scimId);
  const previous = input.state.groups[ext];
  return stored && previous ? { members: stored, verifiedAt: previous.verifiedAt } : undefined;
}

/**
 * After a targeted run, which keeps no membership records of its own: groups whose members it
 * changed, and every group a user it created or deleted may sit in, are read again by the next sync.
 */
export function forgetChangedMemberships(state: SyncState, plan: Plan, results: readonly OperationResult[]): SyncState {
  const groups = { ...state.groups };
  const users = new Set<string>();
  plan.operations.forEach((op, i) => {
    if (MEMBER_KINDS.has(op.kind) && 'group' in op) delete groups[op.group.externalId];
    if (results[i]?.status === 'applied' && (op.kind === 'createUser' || op.kind === 'deleteUser'))
      users.add(op.kind === 'createUser' ? op.user.externalId : op.target.externalId);
  });
  if (users.size > 0) {
    for (const [ext, rec] of Object.entries(groups)) {
      const members = rec.members === undefined ? undefined : decodeMembers(rec.members);
      if (!members || members.some((m) => users.has(m))) delete groups[ext];
    }
  }
  return { ...state, groups };
}
