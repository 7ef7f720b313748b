import type { Operation } from '../diff/plan.js';
import { ScimError } from '../scim/errors.js';
import { groupExternalIdPatch, renameGroupPatch, userPatchOperations } from '../scim/patch.js';
import type { PatchOperation } from '../scim/wire.js';
import { MANAGER_PATH } from '../diff/plan-managers.js';
import { applyCreateGroup } from './create-group.js';
import { createOwned } from './create-owned.js';
import { applyMemberChange, resolve } from './members.js';
import { OperationError } from './outcome.js';
import type { ApplyContext } from './port.js';

export type { ApplyContext } from './port.js';

/**
 * Applies ONE attempt of one plan operation. Retrying, throttling and backoff belong to the caller
 * (the in-process executor or a queue worker), which passes `ambiguous` when an earlier attempt
 * may have reached AWS (a lost response): then the target is re-read before anything is re-sent,
 * so a lost POST response never yields two users.
 *
 * Resolves with an optional note for the report; throws ScimError / ScimTransportError /
 * OperationError for the caller to classify.
 */
export async function applyOperation(
  op: Operation,
  ctx: ApplyContext,
  ambiguous: boolean,
): Promise<string | undefined> {
  switch (op.kind) {
    case 'createUser':
      return createOwned('user', op.user.externalId, ctx, ambiguous, () => ctx.scim.createUser(op.user));
    case 'migrateExternalId':
      return migrateExternalId(op, ctx);
    case 'patchUser':
    case 'adoptUser':
      await patchUser(ctx, op.target.id, userPatchOperations(op.changes));
      if (op.kind === 'adoptUser') await ctx.ids.set('user', op.target.externalId, op.target.id);
      return undefined;
    case 'deactivateUser':
      return (await patchUser(ctx, op.target.id, userPatchOperations([{ path: 'active', value: false }]), true))
        ? undefined
        : 'already deleted in AWS';
    case 'deleteUser':
      return (await ctx.scim.deleteUser(op.target.id)) === 'not-found' ? 'already deleted in AWS' : undefined;
    case 'setManager':
      return setManager(op, ctx);
    case 'createGroup':
      return applyCreateGroup(op, ctx, ambiguous);
    case 'adoptGroup':
      // One operation per attribute, each with its path: a path-less replace of two attributes is
      // refused with 400 (https://github.com/goauthentik/authentik/issues/12321).
      await ctx.scim.patchGroup(op.target.id, [
        groupExternalIdPatch(op.target.externalId),
        renameGroupPatch(op.displayName),
      ]);
      await ctx.ids.set('group', op.target.externalId, op.target.id);
      return undefined;
    case 'renameGroup':
      await ctx.scim.patchGroup(op.target.id, [renameGroupPatch(op.displayName)]);
      return undefined;
    case 'deleteGroup':
      return (await ctx.scim.deleteGroup(op.target.id)) === 'not-found' ? 'already deleted in AWS' : undefined;
    case 'addMembers':
    case 'removeMembers':
      return applyMemberChange(op, ctx, ambiguous);
  }
}

/** PATCH a user; a 404 means it was deleted out of band: an error, unless `goneIsDone`. */
async function patchUser(ctx: ApplyContext, id: string, ops: PatchOperation[], goneIsDone = false): Promise<boolean> {
  try {
    await ctx.scim.patchUser(id, ops);
    return true;
  } catch (err) {
    if (!(err instanceof ScimError && err.isNotFound)) throw err;
    if (goneIsDone) return false;
    throw new OperationError('not-found', `user ${id} no longer exists in AWS; the next run re-plans it`, {
      cause: err,
    });
  }
}

/**
 * Moves an object off the legacy `<sourceId>:<id>` externalId by PATCH in place: the AWS id, and so
 * every permission-set assignment, stays. A user that vanished meanwhile is left to the next run.
 */
async function migrateExternalId(
  op: Extract<Operation, { kind: 'migrateExternalId' }>,
  ctx: ApplyContext,
): Promise<string | undefined> {
  const note = `externalId moved from ${op.from}`;
  if (op.object === 'user') {
    return (await patchUser(
      ctx,
      op.target.id,
      userPatchOperations([{ path: 'externalId', value: op.target.externalId }]),
      true,
    ))
      ? note
      : 'already deleted in AWS';
  }
  try {
    await ctx.scim.patchGroup(op.target.id, [groupExternalIdPatch(op.target.externalId)]);
  } catch (err) {
    if (err instanceof ScimError && err.isNotFound) return 'already deleted in AWS';
    throw err;
  }
  return note;
}

/** The second pass for managers: both users exist by now (phase order), so their AWS ids can be resolved. */
async function setManager(
  op: Extract<Operation, { kind: 'setManager' }>,
  ctx: ApplyContext,
): Promise<string | undefined> {
  const userId = await resolve(ctx, 'user', op.user);
  if (!userId)
    throw new OperationError('dependency', `user ${op.user.externalId} does not exist in AWS (its create failed)`);
  const managerId = op.manager === null ? null : await resolve(ctx, 'user', op.manager);
  if (managerId === undefined)
    throw new OperationError(
      'dependency',
      `manager ${op.manager?.externalId ?? ''} does not exist in AWS (its create failed)`,
    );
  await patchUser(
    ctx,
    userId,
    userPatchOperations([{ path: MANAGER_PATH, value: managerId === null ? null : { value: managerId } }]),
  );
  return undefined;
}
