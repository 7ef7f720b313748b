import type { ObjectRef, Operation } from '../diff/plan.js';
import type { ScimId } from '../model/ids.js';
import { ScimError } from '../scim/errors.js';
import type { ApplyContext } from './port.js';
import { OperationError } from './outcome.js';

type MemberOp = Extract<Operation, { kind: 'addMembers' | 'removeMembers' }>;

/**
 * One membership PATCH (≤100 members, DG/patchgroup). Whether AWS accepts adding a member that is
 * already present, or removing one that is absent, is undocumented (aws-scim.md, "NOT FOUND"), so
 * when the PATCH is refused, or an earlier attempt may have landed, the final state is probed
 * member by member and only what is still missing is sent again.
 */
export async function applyMemberChange(op: MemberOp, ctx: ApplyContext, ambiguous: boolean): Promise<string | undefined> {
  const groupId = await resolve(ctx, 'group', op.group);
  if (!groupId) throw new OperationError('dependency', `group ${op.group.externalId} does not exist in AWS (its create failed)`);
  const members: ScimId[] = [];
  const missing: string[] = [];
  for (const m of op.members) {
    const id = await resolve(ctx, 'user', m);
    if (id) members.push(id);
    else missing.push(m.externalId);
  }
  const wantMember = op.kind === 'addMembers';
  const pending = ambiguous ? await stillPending(ctx, groupId, members, wantMember) : members;
  if (pending.length > 0) await patchWithConfirmation(ctx, groupId, pending, wantMember);
  if (missing.length === 0) return undefined;
  if (!wantMember) return `${missing.length} member(s) already gone from AWS`;
  throw new OperationError('dependency', `group ${op.group.externalId}: ${missing.length} member(s) do not exist in AWS (their create failed): ${missing.slice(0, 5).join(', ')}`);
}

async function patchWithConfirmation(ctx: ApplyContext, groupId: string, members: ScimId[], wantMember: boolean): Promise<void> {
  const op = wantMember ? 'add' : 'remove';
  try {
    await ctx.scim.patchGroup(groupId, [{ op, path: 'members', value: members.map((value) => ({ value })) }]);
  } catch (err) {
    if (err instanceof ScimError && err.isNotFound) {
      throw new OperationError('not-found', `group ${groupId} no longer exists in AWS; the next run re-plans it`, { cause: err });
    }
    if (!(err instanceof ScimError) || !(err.isValidation || err.isConflict)) throw err;
    const left = await stillPending(ctx, groupId, members, wantMember);
    if (left.length === 0) return;
    if (left.length === members.length) throw err;
    try {
      await ctx.scim.patchGroup(groupId, [{ op, path: 'members', value: left.map((value) => ({ value })) }]);
    } catch (second) {
      const stubborn = await stillPending(ctx, groupId, left, wantMember);
      if (stubborn.length > 0) throw new OperationError('unconfirmed', `group ${groupId}: ${stubborn.length} membership change(s) were refused and could not be confirmed`, { cause: second });
    }
  }
}

async function stillPending(ctx: ApplyContext, groupId: string, members: ScimId[], wantMember: boolean): Promise<ScimId[]> {
  const pending: ScimId[] = [];
  for (const id of members) {
    if ((await ctx.scim.isMember(groupId, id)) !== wantMember) pending.push(id);
  }
  return pending;
}

async function resolve(ctx: ApplyContext, kind: 'user' | 'group', ref: ObjectRef): Promise<ScimId | undefined> {
  if (ref.id) return ref.id;
  const known = await ctx.ids.get(kind, ref.externalId);
  if (known) return known;
  const found = kind === 'user' ? await ctx.scim.findUserByExternalId(ref.externalId) : await ctx.scim.findGroupByExternalId(ref.externalId);
  if (!found) return undefined;
  await ctx.ids.set(kind, ref.externalId, found.id);
  return found.id;
}
