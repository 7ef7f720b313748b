import type { OwnershipTest, TargetGroup, TargetUser } from '../model/aws.js';
import { splitExternalId, type ScimId } from '../model/ids.js';
import { foldKey } from './collisions.js';
import type { DesiredState } from './desired.js';
import type { Finding } from './findings.js';
import type { BrakePolicy } from './guards.js';
import type { TakeoverRules } from './ownership.js';
import type { Operation } from './plan.js';

export interface PlanPolicy {
  /** `<sourceId>:` of every source read in this run: the only externalIds we may change. */
  managedPrefixes: readonly string[];
  /** Claim pre-existing AWS objects without an externalId by userName / displayName. */
  adopt: boolean;
  deleteGracePeriodMs: number;
  now: number;
  /** externalId → ISO time it was first seen out of scope (kept by the state store). */
  outOfScopeSince: Readonly<Record<string, string>>;
  brake: BrakePolicy;
  /** Sources that take over objects another provisioner created (full runs; the claim happens before planning). */
  takeover?: TakeoverRules;
  /**
   * Targeted (webhook) runs: only these externalIds may be retired, and members missing from AWS
   * are left to the full sync. Undefined for a full run, where every owned object is in play.
   */
  scope?: ReadonlySet<string>;
  /**
   * 'inline' (the default): a new group carries its first ≤100 members in the POST, as CreateGroup
   * documents (https://docs.aws.amazon.com/singlesignon/latest/developerguide/creategroup.html);
   * 'patch': it is created empty and every member goes in by PATCH.
   */
  groupCreateMembers?: 'inline' | 'patch';
}

export interface CurrentState {
  users: readonly TargetUser[];
  groups: readonly TargetGroup[];
  /** Group SCIM id → member user SCIM ids, for every managed group (and adoption candidates). */
  members: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Everything the planner derives about ownership once, shared by the user and group passes. */
export interface PlanContext {
  policy: PlanPolicy;
  desired: DesiredState;
  current: CurrentState;
  isOwned: OwnershipTest;
  /** our externalId → AWS id, for users that exist (or are adopted) before this plan runs. */
  userIds: Map<string, ScimId>;
  usersById: Map<string, TargetUser>;
  /** Desired users this plan neither finds nor creates (their userName or email is held by another AWS user). */
  blockedUsers: Set<string>;
  /** AWS objects carrying an externalId that is not ours, by that externalId (takeover refusals). */
  foreign: { users: Map<string, TargetUser>; groups: Map<string, TargetGroup> };
  ops: Operation[];
  findings: Finding[];
}

export function inRetireScope(ctx: PlanContext, externalId: string): boolean {
  return ctx.policy.scope === undefined || ctx.policy.scope.has(externalId);
}

export function graceExpired(policy: PlanPolicy, externalId: string): boolean {
  const since = policy.outOfScopeSince[externalId];
  if (!since) return false;
  return policy.now - Date.parse(since) >= policy.deleteGracePeriodMs;
}

export function pendingReason(policy: PlanPolicy, externalId: string): string {
  const since = policy.outOfScopeSince[externalId];
  const start = since ? Date.parse(since) : policy.now;
  const days = Math.max(0, (start + policy.deleteGracePeriodMs - policy.now) / 86_400_000);
  return `out of scope since ${new Date(start).toISOString()}; deleted after the grace period (${days.toFixed(1)} days left)`;
}

/**
 * The AWS object that carries this desired object's immutable id as another provisioner's externalId
 * although the takeover did not claim it (its name differs under `externalId+name`, or two sources
 * name that id). Such an object is never overwritten, and the desired one is not created beside it.
 */
export function unclaimedTwin(
  ctx: PlanContext,
  object: 'user' | 'group',
  desired: { externalId: string; name: string },
): string | undefined {
  const { sourceId, immutableId } = splitExternalId(desired.externalId);
  const match = ctx.policy.takeover?.get(sourceId);
  if (match === undefined) return undefined;
  const user = object === 'user' ? ctx.foreign.users.get(immutableId) : undefined;
  const twin = user ?? (object === 'group' ? ctx.foreign.groups.get(immutableId) : undefined);
  if (!twin) return undefined;
  const twinName = user ? user.userName : twin.displayName;
  const why =
    match === 'externalId+name' && foldKey(twinName) !== foldKey(desired.name)
      ? `its ${object === 'user' ? 'userName' : 'displayName'} "${twinName}" differs (takeover.match externalId+name)`
      : 'another configured source names the same id';
  return `AWS ${object} ${twin.id} carries this ${object}'s ${sourceId} id as another provisioner's externalId but was not taken over: ${why}; never overwritten, and not created twice`;
}
