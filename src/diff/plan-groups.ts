import { ownedOnly } from '../model/aws.js';
import type { DesiredGroup, TargetGroup } from '../model/aws.js';
import { foldKey } from './collisions.js';
import { AWS_MANAGED_GROUP_PREFIX, isReservedName, MAX_MEMBER_CHANGES_PER_PATCH } from './constraints.js';
import type { ObjectRef, Operation } from './plan.js';
import { graceExpired, inRetireScope, pendingReason, unclaimedTwin, type PlanContext } from './plan-context.js';

/**
 * Groups are matched by externalId; a new displayName is a rename on the same AWS id, never a
 * delete + create, which would drop the group's permission-set assignments
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html;
 * https://github.com/awslabs/ssosync/issues/166, https://github.com/awslabs/ssosync/issues/291).
 */
export function planGroups(ctx: PlanContext): void {
  const owned = new Map(ownedOnly(ctx.current.groups, ctx.isOwned).map((t) => [t.externalId, t]));
  const byName = new Map<string, TargetGroup>();
  for (const t of ctx.current.groups) {
    byName.set(foldKey(t.displayName), t);
  }
  for (const d of ctx.desired.groups) {
    const t = owned.get(d.externalId);
    const ref = t ? updateGroup(ctx, d, t) : createOrAdoptGroup(ctx, d, byName.get(foldKey(d.displayName)));
    if (!ref) continue;
    planMembers(ctx, d, ref, ref.id ? ctx.current.members.get(ref.id) : new Set(), inlineCreate(ctx, d));
  }
  for (const t of owned.values()) {
    if (ctx.desired.inScope.has(t.externalId) || !inRetireScope(ctx, t.externalId)) continue;
    if (graceExpired(ctx.policy, t.externalId)) {
      ctx.ops.push({
        kind: 'deleteGroup',
        target: { externalId: t.externalId, id: t.id },
        displayName: t.displayName,
      });
    } else {
      ctx.findings.push({
        object: 'group',
        externalId: t.externalId,
        action: 'pending-delete',
        reason: pendingReason(ctx.policy, t.externalId),
      });
    }
  }
}

/** The createGroup this plan just pushed for `d`, when its first members may ride in the POST. */
function inlineCreate(ctx: PlanContext, d: DesiredGroup): Extract<Operation, { kind: 'createGroup' }> | undefined {
  const last = ctx.ops.at(-1);
  if (ctx.policy.groupCreateMembers === 'patch' || last?.kind !== 'createGroup') return undefined;
  return last.externalId === d.externalId ? last : undefined;
}

function updateGroup(ctx: PlanContext, d: DesiredGroup, t: TargetGroup): ObjectRef {
  const target = { externalId: d.externalId, id: t.id };
  if (t.displayName.normalize('NFC') !== d.displayName) {
    ctx.ops.push({ kind: 'renameGroup', target, from: t.displayName, displayName: d.displayName });
  }
  return target;
}

function createOrAdoptGroup(ctx: PlanContext, d: DesiredGroup, holder: TargetGroup | undefined): ObjectRef | undefined {
  const refused = unclaimedTwin(ctx, 'group', { externalId: d.externalId, name: d.displayName });
  if (refused) {
    ctx.findings.push({
      object: 'group',
      externalId: d.externalId,
      action: 'conflict',
      field: 'externalId',
      reason: refused,
    });
    return undefined;
  }
  if (!holder) {
    ctx.ops.push({ kind: 'createGroup', externalId: d.externalId, displayName: d.displayName });
    return { externalId: d.externalId };
  }
  const protectedName = holder.displayName.startsWith(AWS_MANAGED_GROUP_PREFIX) || isReservedName(holder.displayName);
  if (!holder.externalId && ctx.policy.adopt && !protectedName) {
    ctx.ops.push({
      kind: 'adoptGroup',
      target: { externalId: d.externalId, id: holder.id },
      displayName: d.displayName,
    });
    return { externalId: d.externalId, id: holder.id };
  }
  const reason = protectedName
    ? `displayName "${holder.displayName}" belongs to an AWS-managed or reserved group; never touched`
    : ctx.isOwned(holder.externalId)
      ? `displayName is held by managed group ${holder.externalId} (AWS id ${holder.id}); created once that group is renamed or deleted`
      : holder.externalId
        ? `displayName is held by AWS group ${holder.id}, which belongs to another system; never overwritten`
        : `displayName is held by unmanaged AWS group ${holder.id}; enable adopt mode to claim it`;
  ctx.findings.push({ object: 'group', externalId: d.externalId, action: 'conflict', field: 'displayName', reason });
  return undefined;
}

/**
 * Membership is diffed as sets and sent as add/remove deltas of at most 100 members per PATCH
 * (DG/patchgroup); `replace` is never used (AWS rejects it, and it would be all-or-nothing).
 * Members that are not ours (hand-added users) and in-scope users skipped for invalid data are
 * never removed. A group this plan creates takes its first ≤100 members in the POST, which
 * CreateGroup documents with an example that carries them
 * (https://docs.aws.amazon.com/singlesignon/latest/developerguide/creategroup.html): at 50 members
 * a group on average that halves a first sync's group writes. The executor confirms and completes
 * them by PATCH when the POST is refused, answered 409 or lost (src/apply/create-group.ts).
 *
 * Adds and removes stay separate PATCHes even when both fit in one request of ≤100 operations.
 * PatchGroup caps "membership changes" per request at 100 but neither documents nor shows a request
 * that mixes add and remove (https://docs.aws.amazon.com/singlesignon/latest/developerguide/patchgroup.html),
 * and no capture or report of AWS accepting one was found; a client that sends them mixed
 * (authentik's AWS mode, https://github.com/goauthentik/authentik/issues/23005) documents no answer
 * from AWS. A mixed request refused with 400 would also cost a membership re-read, more than the one
 * request it saves.
 */
function planMembers(
  ctx: PlanContext,
  d: DesiredGroup,
  group: ObjectRef,
  current: ReadonlySet<string> | undefined,
  create?: Extract<Operation, { kind: 'createGroup' }>,
): void {
  if (!current) throw new Error(`planner: membership of group ${group.id} was not read`);
  const wanted = new Set<string>();
  const adds: ObjectRef[] = [];
  const toCreate = ctx.policy.scope ? new Set(ctx.desired.users.map((u) => u.externalId)) : undefined;
  for (const ext of d.members) {
    const id = ctx.userIds.get(ext);
    if (id) wanted.add(id);
    else if (ctx.blockedUsers.has(ext)) {
      // Adding a user this plan does not create would fail every run until the conflict clears.
      ctx.findings.push({
        object: 'membership',
        externalId: d.externalId,
        action: 'skipped',
        field: 'members',
        reason: `${ext} is not in AWS (see its userName conflict); it is added once it is created`,
      });
      continue;
    } else if (toCreate && !toCreate.has(ext)) {
      ctx.findings.push({
        object: 'membership',
        externalId: d.externalId,
        action: 'skipped',
        field: 'members',
        reason: `${ext} is not in AWS yet; the next full sync creates and adds it`,
      });
      continue;
    }
    if (!id || !current.has(id)) adds.push(id ? { externalId: ext, id } : { externalId: ext });
  }
  const removes: ObjectRef[] = [];
  for (const id of current) {
    if (wanted.has(id)) continue;
    const ext = ctx.usersById.get(id)?.externalId;
    if (!ext || !ctx.isOwned(ext) || ctx.desired.skippedUsers.has(ext)) continue;
    removes.push({ externalId: ext, id: id as ObjectRef['id'] });
  }
  const byExt = (a: ObjectRef, b: ObjectRef): number =>
    a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0;
  const addChunks = chunks(adds.sort(byExt));
  if (create && addChunks[0]) create.members = addChunks.shift();
  for (const chunk of addChunks) ctx.ops.push({ kind: 'addMembers', group, members: chunk });
  for (const chunk of chunks(removes.sort(byExt))) ctx.ops.push({ kind: 'removeMembers', group, members: chunk });
}

function chunks<T>(items: readonly T[], size = MAX_MEMBER_CHANGES_PER_PATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
