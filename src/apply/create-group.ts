import type { Operation } from '../diff/plan.js';
import { asScimId, type ScimId } from '../model/ids.js';
import { ScimError } from '../scim/errors.js';
import { createOwned } from './create-owned.js';
import { applyMemberChange, resolveUsers } from './members.js';
import { OperationError } from './outcome.js';
import type { ApplyContext } from './port.js';

type CreateGroup = Extract<Operation, { kind: 'createGroup' }>;

/**
 * CreateGroup with the group's first ≤100 members in the POST (DG/creategroup). The clean path is
 * one request. Whenever the POST did not plainly succeed, the group is looked up by externalId
 * before anything is sent again, because what AWS commits of a refused or unanswered create that
 * carries members is undocumented, and a refused write has been seen committing anyway
 * (https://github.com/lichti/aws-iam-scim-problem):
 * - found (a lost response, a 409 on our own group, a 400/404 that still committed): its members
 *   are re-read and only the missing ones are added by PATCH;
 * - not found after a 400 or 404 (a member AWS cannot see yet, or an endpoint that refuses inline
 *   members): it is created empty, and its members are added by PATCH with the read-after-write
 *   retries of a fresh group.
 * Every such path leaves a note, so the membership state reads the group again next run.
 */
export async function applyCreateGroup(
  op: CreateGroup,
  ctx: ApplyContext,
  ambiguous: boolean,
): Promise<string | undefined> {
  const group = { externalId: op.externalId, displayName: op.displayName };
  if (!op.members || op.members.length === 0)
    return createOwned('group', op.externalId, ctx, ambiguous, () => ctx.scim.createGroup(group));
  // An earlier attempt of this operation created the group and then stopped (a 429 or a network error
  // while completing its members): AWS may not show the new group to a filter yet, but its id is known.
  const known = await ctx.ids.get('group', op.externalId);
  if (known) return completeMembers(op, ctx, known, 'created by an earlier attempt');
  if (ambiguous) {
    const existing = await ctx.scim.findGroupByExternalId(op.externalId);
    if (existing) return completeMembers(op, ctx, existing.id, 'found after a lost response; not created twice');
  }
  const { ids, missing } = await resolveUsers(ctx, op.members);
  try {
    const created = await ctx.scim.createGroup(ids.length > 0 ? { ...group, members: ids } : group);
    await ctx.ids.set('group', op.externalId, asScimId(created.id));
  } catch (err) {
    if (!(err instanceof ScimError) || !(err.isConflict || err.isValidation || err.isNotFound)) throw err;
    return recover(op, ctx, err);
  }
  if (missing.length > 0) {
    throw new OperationError(
      'dependency',
      `group ${op.externalId}: created, but ${missing.length} member(s) do not exist in AWS (their create failed): ${missing.slice(0, 5).join(', ')}`,
    );
  }
  return undefined;
}

async function recover(op: CreateGroup, ctx: ApplyContext, refusal: ScimError): Promise<string | undefined> {
  const existing = await ctx.scim.findGroupByExternalId(op.externalId).catch((err: unknown) => {
    // ListGroups answers a filter that matches nothing with an empty list (DG/listgroups), so a 404
    // to it, after a 404 to the create, names the endpoint: the run stops as for any wrong endpoint.
    if (err instanceof ScimError && err.isNotFound && refusal.isNotFound) throw refusal.asEndpointProblem('base-path');
    throw err;
  });
  if (existing) {
    const how = refusal.isConflict
      ? 'already existed with our externalId; adopted'
      : `HTTP ${refusal.status} on the create, yet the group exists`;
    return completeMembers(op, ctx, existing.id, how);
  }
  if (refusal.isConflict) {
    throw new OperationError(
      'conflict',
      `group ${op.externalId}: AWS refused the create as a duplicate (displayName held by a group that is not ours)`,
      { cause: refusal },
    );
  }
  const group = { externalId: op.externalId, displayName: op.displayName };
  const created = await createOwned('group', op.externalId, ctx, false, () => ctx.scim.createGroup(group));
  const how = `HTTP ${refusal.status} on the create with members; created without them${created ? ` (${created})` : ''}`;
  return completeMembers(op, ctx, undefined, how);
}

/** Re-reads the group's members and adds by PATCH those the create did not put in. */
async function completeMembers(
  op: CreateGroup,
  ctx: ApplyContext,
  groupId: ScimId | undefined,
  how: string,
): Promise<string> {
  if (groupId) await ctx.ids.set('group', op.externalId, groupId);
  // No AWS id on the group ref: the member PATCH treats the group as fresh and rides out read-after-write lag.
  const added = await applyMemberChange(
    { kind: 'addMembers', group: { externalId: op.externalId }, members: op.members ?? [] },
    ctx,
    true,
  );
  return `${how}; members re-read and completed by PATCH${added ? `; ${added}` : ''}`;
}
