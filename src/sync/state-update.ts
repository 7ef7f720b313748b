import { ownedOnly, type OwnershipTest } from '../model/aws.js';
import type { OperationResult } from '../apply/outcome.js';
import type { DesiredState, Plan } from '../diff/index.js';
import type { TargetGroup, TargetUser } from '../model/aws.js';
import type { SyncState } from '../state/store.js';
import { memberHash } from './read-target.js';

export interface StateUpdateInput {
  state: SyncState;
  desired: DesiredState;
  current: { users: readonly TargetUser[]; groups: readonly TargetGroup[] };
  isOwned: OwnershipTest;
  snapshots: { sourceId: string; users: number; groups: number }[];
  readGroupIds: ReadonlySet<string>;
  plan: Plan;
  results: readonly OperationResult[];
  now: number;
}

/**
 * The state after a sync: out-of-scope timestamps start (or clear) the delete grace period;
 * source sizes feed the shrink guard; a group's membership record is refreshed only when every
 * membership operation on it succeeded, so a failed group is re-read next run.
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

function nextGroupRecords(input: StateUpdateInput, iso: string): SyncState['groups'] {
  // A member change that needed a retry or a membership re-read (lag, a refused PATCH) leaves the
  // group unverified too, so the next run reads its whole membership again.
  const unsure = (r: OperationResult): boolean =>
    (r.status !== 'applied' &&
      (r.kind === 'addMembers' || r.kind === 'removeMembers' || r.kind === 'createGroup' || r.kind === 'adoptGroup')) ||
    ((r.kind === 'addMembers' || r.kind === 'removeMembers') && r.note !== undefined);
  const failedGroups = new Set(input.results.filter(unsure).map((r) => r.externalId));
  const idByExt = new Map<string, string>();
  for (const g of input.current.groups) if (g.externalId) idByExt.set(g.externalId, g.id);
  const groups: SyncState['groups'] = {};
  for (const d of input.desired.groups) {
    const previous = input.state.groups[d.externalId];
    const scimId = idByExt.get(d.externalId);
    if (failedGroups.has(d.externalId) || !scimId) continue;
    const wasRead = input.readGroupIds.has(scimId);
    const verifiedAt = wasRead ? iso : previous?.verifiedAt;
    if (verifiedAt === undefined) continue;
    groups[d.externalId] = { scimId, memberHash: memberHash(d.members), verifiedAt };
  }
  return groups;
}
