import { type DesiredUser, type Owned, type TargetUser, ownedOnly } from '../model/aws.js';
import { foldKey } from './collisions.js';
import type { DesiredState } from './desired.js';
import { compareFindings } from './findings.js';
import { evaluateBrake } from './guards.js';
import { planHash } from './hash.js';
import {
  graceExpired,
  inRetireScope,
  pendingReason,
  unclaimedTwin,
  type CurrentState,
  type PlanContext,
  type PlanPolicy,
} from './plan-context.js';
import { labelOperations } from './labels.js';
import { migrationOperations } from './ownership.js';
import { planGroups } from './plan-groups.js';
import { planManagers } from './plan-managers.js';
import { operationExternalId, PHASES, type Operation, type OperationKind, type Plan } from './plan.js';
import { userChanges } from './user-changes.js';

/**
 * The pure planner: desired state + current AWS state → the exact writes to make.
 * No I/O, no logging, no clock (the caller passes `now`).
 */
export function planChanges(desired: DesiredState, current: CurrentState, policy: PlanPolicy): Plan {
  const ctx: PlanContext = {
    policy,
    desired,
    current,
    isOwned: (ext): ext is string => ext !== undefined && policy.managedPrefixes.some((p) => ext.startsWith(p)),
    userIds: new Map(),
    usersById: new Map(current.users.map((u) => [u.id, u])),
    blockedUsers: new Set(),
    foreign: { users: foreignIndex(current.users, policy), groups: foreignIndex(current.groups, policy) },
    ops: [],
    findings: [...desired.findings],
  };
  for (const u of ownedOnly(current.users, ctx.isOwned)) ctx.userIds.set(u.externalId, u.id);
  planUsers(ctx);
  planManagers(ctx);
  planGroups(ctx);
  const owned = {
    users: current.users.filter((u) => ctx.isOwned(u.externalId)),
    groups: current.groups.filter((g) => ctx.isOwned(g.externalId)),
  };
  ctx.ops.push(...migrationOperations(owned, ctx.ops, ctx.findings));
  const operations = labelOperations(sortOperations(ctx.ops), desired, current);
  const managed =
    current.users.filter((u) => ctx.isOwned(u.externalId)).length +
    current.groups.filter((g) => ctx.isOwned(g.externalId)).length;
  return {
    operations,
    findings: ctx.findings.sort(compareFindings),
    counts: countKinds(operations),
    membershipChanges: countMembershipChanges(operations),
    brake: evaluateBrake(operations, managed, policy.brake),
    hash: planHash(operations),
  };
}

function planUsers(ctx: PlanContext): void {
  const owned = new Map(ownedOnly(ctx.current.users, ctx.isOwned).map((t) => [t.externalId, t]));
  // Built on the first user to create: a steady run creates few or none, and at 200,000 users the
  // index is tens of MiB.
  let byKey: Map<string, TargetUser> | undefined;
  for (const d of ctx.desired.users) {
    const t = owned.get(d.externalId);
    if (t) updateUser(ctx, d, t);
    else createOrAdoptUser(ctx, d, (byKey ??= userKeyIndex(ctx.current.users)));
  }
  for (const t of owned.values()) {
    if (!ctx.desired.inScope.has(t.externalId) && inRetireScope(ctx, t.externalId)) retireUser(ctx, t);
  }
}

function userKeyIndex(users: readonly TargetUser[]): Map<string, TargetUser> {
  const byKey = new Map<string, TargetUser>();
  for (const t of users) {
    byKey.set(`u:${foldKey(t.userName)}`, t);
    const email = t.emails[0]?.value;
    if (email) byKey.set(`e:${foldKey(email)}`, t);
  }
  return byKey;
}

function updateUser(ctx: PlanContext, d: DesiredUser, t: TargetUser): void {
  ctx.userIds.set(d.externalId, t.id);
  const target = { externalId: d.externalId, id: t.id };
  const changes = userChanges(d, t);
  if (!t.active && d.active) changes.push({ path: 'active', value: true, from: false });
  if (changes.length > 0) ctx.ops.push({ kind: 'patchUser', target, changes });
  if (t.active && !d.active) ctx.ops.push({ kind: 'deactivateUser', target, reason: 'disabled-in-source' });
}

function createOrAdoptUser(ctx: PlanContext, d: DesiredUser, byKey: Map<string, TargetUser>): void {
  const refused = unclaimedTwin(ctx, 'user', { externalId: d.externalId, name: d.userName });
  if (refused) {
    ctx.blockedUsers.add(d.externalId);
    ctx.findings.push({
      object: 'user',
      externalId: d.externalId,
      action: 'conflict',
      field: 'externalId',
      reason: refused,
    });
    return;
  }
  const email = d.emails[0]?.value;
  const holder = byKey.get(`u:${foldKey(d.userName)}`) ?? (email ? byKey.get(`e:${foldKey(email)}`) : undefined);
  if (!holder) {
    ctx.ops.push({ kind: 'createUser', user: d });
    return;
  }
  if (!holder.externalId && ctx.policy.adopt) {
    ctx.userIds.set(d.externalId, holder.id);
    const changes = [{ path: 'externalId', value: d.externalId, from: null }, ...userChanges(d, holder)];
    if (holder.active !== d.active) changes.push({ path: 'active', value: d.active, from: holder.active });
    ctx.ops.push({ kind: 'adoptUser', target: { externalId: d.externalId, id: holder.id }, changes });
    return;
  }
  const reason = ctx.isOwned(holder.externalId)
    ? `userName or email is still held by managed user ${holder.externalId} (AWS id ${holder.id}), which no longer matches; a new externalId never inherits another user's AWS identity, so this user is created once that user is deleted or renamed`
    : holder.externalId
      ? `userName or email is held by AWS user ${holder.id}, which belongs to another system (externalId not ours); never overwritten`
      : `userName or email is held by unmanaged AWS user ${holder.id}; enable adopt mode to claim it`;
  ctx.blockedUsers.add(d.externalId);
  ctx.findings.push({ object: 'user', externalId: d.externalId, action: 'conflict', field: 'userName', reason });
}

/**
 * Leaving scope deactivates first; the hard delete waits for the grace period, as in Entra's provisioning
 * (https://learn.microsoft.com/entra/identity/app-provisioning/how-provisioning-works).
 */
function retireUser(ctx: PlanContext, t: Owned<TargetUser>): void {
  const target = { externalId: t.externalId, id: t.id };
  if (t.active) {
    ctx.ops.push({ kind: 'deactivateUser', target, reason: 'left-scope' });
    return;
  }
  if (graceExpired(ctx.policy, t.externalId)) {
    ctx.ops.push({ kind: 'deleteUser', target, userName: t.userName });
    return;
  }
  ctx.findings.push({
    object: 'user',
    externalId: t.externalId,
    action: 'pending-delete',
    reason: pendingReason(ctx.policy, t.externalId),
  });
}

/** Objects with an externalId that is not ours, by externalId; only needed when a source takes over. */
function foreignIndex<T extends { externalId?: string }>(objects: readonly T[], policy: PlanPolicy): Map<string, T> {
  const index = new Map<string, T>();
  if (!policy.takeover?.size) return index;
  for (const o of objects) {
    const ext = o.externalId;
    if (ext !== undefined && !policy.managedPrefixes.some((p) => ext.startsWith(p))) index.set(ext, o);
  }
  return index;
}

function sortOperations(ops: Operation[]): Operation[] {
  const phase = new Map<OperationKind, number>();
  PHASES.forEach((kinds, i) => kinds.forEach((k) => phase.set(k, i)));
  const key = (op: Operation): string =>
    op.kind === 'addMembers' || op.kind === 'removeMembers'
      ? `${op.group.externalId}\u0000${op.members[0]?.externalId ?? ''}`
      : operationExternalId(op);
  return ops
    .map((op) => ({ op, p: phase.get(op.kind) ?? 99, k: key(op) }))
    .sort((a, b) => a.p - b.p || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) || a.op.kind.localeCompare(b.op.kind))
    .map((x) => x.op);
}

function countKinds(ops: readonly Operation[]): Record<OperationKind, number> {
  const counts = Object.fromEntries(PHASES.flat().map((k) => [k, 0])) as Record<OperationKind, number>;
  for (const op of ops) counts[op.kind] += 1;
  return counts;
}

function countMembershipChanges(ops: readonly Operation[]): { add: number; remove: number } {
  let add = 0;
  let remove = 0;
  for (const op of ops) {
    if (op.kind === 'addMembers') add += op.members.length;
    if (op.kind === 'createGroup') add += op.members?.length ?? 0;
    if (op.kind === 'removeMembers') remove += op.members.length;
  }
  return { add, remove };
}
export type { CurrentState, PlanPolicy } from './plan-context.js';
