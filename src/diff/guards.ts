import type { BrakeEvaluation, Operation } from './plan.js';

/**
 * The deletion brake, after Entra's accidental-deletion prevention
 * (https://learn.microsoft.com/entra/identity/app-provisioning/accidental-deletions), Okta's import
 * safeguards, SailPoint and HelloID: if a plan would deactivate, delete or remove
 * memberships beyond the threshold, none of it is applied. Default threshold: more than
 * max(5 % of managed objects, 10). `absolute` replaces the computed threshold.
 */
export interface BrakePolicy {
  percent: number;
  minimum: number;
  absolute?: number;
}

export const DEFAULT_BRAKE: BrakePolicy = { percent: 5, minimum: 10 };

export function countDestructive(operations: readonly Operation[]): number {
  let n = 0;
  for (const op of operations) {
    if (op.kind === 'removeMembers') n += op.members.length;
    else if (op.kind === 'deactivateUser' || op.kind === 'deleteUser' || op.kind === 'deleteGroup') n += 1;
  }
  return n;
}

/**
 * Taking over another provisioner's objects rewrites their identity in bulk; like a mass deletion, more
 * than the threshold of them waits for an operator's `--approve` of the exact plan.
 */
export function countTakeovers(operations: readonly Operation[]): number {
  return operations.filter((op) => op.kind === 'migrateExternalId' && op.takeover !== undefined).length;
}

export function evaluateBrake(
  operations: readonly Operation[],
  managedObjects: number,
  policy: BrakePolicy,
): BrakeEvaluation {
  const destructive = countDestructive(operations);
  const takeovers = countTakeovers(operations);
  const threshold = policy.absolute ?? Math.max(Math.ceil((policy.percent / 100) * managedObjects), policy.minimum);
  return {
    destructive,
    takeovers,
    threshold,
    managedObjects,
    blocked: destructive > threshold || takeovers > threshold,
  };
}

/** A source that shrank past the limit: which count, from what to what, and the sentence saying so. */
export interface SourceShrink {
  guard: 'shrink';
  reason: string;
  sourceId: string;
  kind: 'users' | 'groups';
  before: number;
  now: number;
}

/** Why the source-size guard holds a read: an empty source, or one that shrank past the limit. */
export type SourceSizeRefusal = { guard: 'empty'; reason: string } | SourceShrink;

/**
 * "Source shrank" guard (an empty read deleted everything in https://github.com/awslabs/ssosync/issues/194):
 * a source that returns nothing is refused outright unless explicitly allowed; one that returns far
 * fewer objects than last time holds the plan until the operator allows the shrink or approves that
 * exact plan. Returns the refusal, or undefined.
 */
export function checkSourceSize(
  sourceId: string,
  now: { users: number; groups: number },
  last: { users: number; groups: number } | undefined,
  policy: { maxShrinkPercent: number; allowEmpty: boolean; allowShrink: boolean },
): SourceSizeRefusal | undefined {
  if (now.users === 0 && !policy.allowEmpty) {
    return {
      guard: 'empty',
      reason: `source ${sourceId} returned no users; refusing to plan (use --allow-empty-source if this is intended)`,
    };
  }
  if (!last || policy.allowShrink) return undefined;
  for (const kind of ['users', 'groups'] as const) {
    const before = last[kind];
    if (before === 0) continue;
    const shrink = ((before - now[kind]) / before) * 100;
    if (shrink > policy.maxShrinkPercent) {
      return {
        guard: 'shrink',
        reason: `source ${sourceId} returned ${now[kind]} ${kind}, ${shrink.toFixed(1)} % fewer than the ${before} of the last run (limit ${policy.maxShrinkPercent} %)`,
        sourceId,
        kind,
        before,
        now: now[kind],
      };
    }
  }
  return undefined;
}
