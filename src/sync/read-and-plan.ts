import type { Config } from '../config/schema.js';
import { buildDesiredState, planChanges, type DesiredState, type Plan } from '../diff/index.js';
import { ownedOnly, type OwnershipTest } from '../model/aws.js';
import type { Snapshot } from '../model/snapshot.js';
import type { SourceConnector } from '../sources/types.js';
import type { SyncState } from '../state/store.js';
import { planPolicy, takeoverRules } from './policy.js';
import {
  claimTakeovers,
  planMembershipReads,
  readMemberships,
  readTargetObjects,
  type TargetObjects,
  type TargetReader,
} from './read-target.js';
import type { RunPhase, RunReport } from './report.js';
import type { StateUpdateInput } from './state-update.js';

const HOUR_MS = 3_600_000;

/** What reading AWS and planning needs of a run's dependencies. */
export interface PlanDeps {
  config: Config;
  sources: readonly SourceConnector[];
  scim: TargetReader;
}

/** The plan, and what the run needs after applying it to update its state and report. */
export interface Planned {
  plan: Plan;
  desired: DesiredState;
  target: TargetObjects;
  memberships: Pick<StateUpdateInput, 'readMembers' | 'storedMembers' | 'ownedUserExt'>;
  targetReport: RunReport['target'];
}

/** The run's ownership test, clock and phase timer. */
export interface PlanEnv {
  isOwned: OwnershipTest;
  now: number;
  timed: <T>(name: RunPhase, fn: () => Promise<T> | T) => Promise<T>;
}

/**
 * Reads AWS (objects, then the memberships due a read; the others as stored), claims what takeover
 * rules allow, and plans the desired state against it.
 */
export async function readTargetAndPlan(
  deps: PlanDeps,
  snapshots: Snapshot[],
  state: SyncState,
  env: PlanEnv,
): Promise<Planned> {
  const sync = deps.config.sync;
  const read = await env.timed('readTarget', () =>
    readTargetObjects(
      deps.scim,
      deps.sources.map((s) => s.id),
    ),
  );
  const desired = buildDesiredState(snapshots, read, {
    nameFallback: sync.nameFallback,
    maxNestingDepth: sync.maxNestingDepth,
  });
  const takeover = takeoverRules(deps.config.sources);
  const target = claimTakeovers(read, desired, takeover, env.isOwned);
  const reads = planMembershipReads(target.groups, new Set(desired.groups.map((g) => g.externalId)), state, {
    isOwned: env.isOwned,
    adopt: sync.adopt,
    now: env.now,
    verifyIntervalMs: sync.membershipVerifyIntervalHours * HOUR_MS,
  });
  const readMembers = await env.timed('readMemberships', () =>
    readMemberships(deps.scim, reads.read, sync.readConcurrency),
  );
  const owned = ownedOnly(target.users, env.isOwned);
  const userIds = new Map(owned.map((u) => [u.externalId, u.id]));
  const members = new Map<string, Set<string>>(readMembers);
  const storedMembers = new Map<string, readonly string[]>();
  for (const { group, members: exts } of reads.stored) {
    storedMembers.set(group.id, exts);
    members.set(group.id, new Set(exts.flatMap((ext) => userIds.get(ext) ?? [])));
  }
  const plan = await env.timed('plan', () =>
    planChanges(
      desired,
      { ...target, members },
      { ...planPolicy(sync, deps.sources, env.now, state.outOfScopeSince), takeover },
    ),
  );
  return {
    plan,
    desired,
    target,
    memberships: { readMembers, storedMembers, ownedUserExt: new Map(owned.map((u) => [u.id, u.externalId])) },
    targetReport: {
      users: target.users.length,
      groups: target.groups.length,
      membershipsRead: reads.read.length,
      membershipsAssumed: reads.stored.length,
    },
  };
}
