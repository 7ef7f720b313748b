import type { AttributeChange, Operation } from '../diff/plan.js';
import { asScimId } from '../model/ids.js';
import { ScimError } from '../scim/errors.js';
import type { PatchOperation } from '../scim/wire.js';
import { applyMemberChange } from './members.js';
import { OperationError } from './outcome.js';
import type { ApplyContext } from './port.js';

export type { ApplyContext } from './port.js';

/**
 * Applies ONE attempt of one plan operation. Retrying, throttling and backoff belong to the caller
 * (the in-process executor or a queue worker), which passes `ambiguous` when an earlier attempt
 * may have reached AWS (a lost response): then the target is re-read before anything is re-sent,
 * so a lost POST response never yields two users (reliability.md F-03).
 *
 * Resolves with an optional note for the report; throws ScimError / ScimTransportError /
 * OperationError for the caller to classify.
 */
export async function applyOperation(op: Operation, ctx: ApplyContext, ambiguous: boolean): Promise<string | undefined> {
  switch (op.kind) {
    case 'createUser':
      return createUser(op.user.externalId, ctx, ambiguous, () => ctx.scim.createUser(op.user));
    case 'patchUser':
    case 'adoptUser':
      await patchUser(ctx, op.target.id, toPatchOps(op.changes));
      if (op.kind === 'adoptUser') await ctx.ids.set('user', op.target.externalId, op.target.id);
      return undefined;
    case 'deactivateUser':
      // DG/patchuser example sends the boolean as the string "false".
      return (await patchUser(ctx, op.target.id, [{ op: 'replace', path: 'active', value: 'false' }], true)) ? undefined : 'already deleted in AWS';
    case 'deleteUser':
      return (await ctx.scim.deleteUser(op.target.id)) === 'not-found' ? 'already deleted in AWS' : undefined;
    case 'createGroup':
      return createGroup(op.externalId, op.displayName, ctx, ambiguous);
    case 'adoptGroup':
      await ctx.scim.patchGroup(op.target.id, [{ op: 'replace', value: { id: op.target.id, externalId: op.target.externalId, displayName: op.displayName } }]);
      await ctx.ids.set('group', op.target.externalId, op.target.id);
      return undefined;
    case 'renameGroup':
      // DG/patchgroup: rename is `replace` with an object value and no path.
      await ctx.scim.patchGroup(op.target.id, [{ op: 'replace', value: { id: op.target.id, displayName: op.displayName } }]);
      return undefined;
    case 'deleteGroup':
      return (await ctx.scim.deleteGroup(op.target.id)) === 'not-found' ? 'already deleted in AWS' : undefined;
    case 'addMembers':
    case 'removeMembers':
      return applyMemberChange(op, ctx, ambiguous);
  }
}

async function createUser(externalId: string, ctx: ApplyContext, ambiguous: boolean, post: () => Promise<{ id: string }>): Promise<string | undefined> {
  if (ambiguous) {
    const existing = await ctx.scim.findUserByExternalId(externalId);
    if (existing) {
      await ctx.ids.set('user', externalId, existing.id);
      return 'found after a lost response; not created twice';
    }
  }
  try {
    const created = await post();
    await ctx.ids.set('user', externalId, asScimId(created.id));
    return undefined;
  } catch (err) {
    if (!(err instanceof ScimError && err.isConflict)) throw err;
    // 409: adopt the object only if it carries our externalId (reliability.md F-14).
    const existing = await ctx.scim.findUserByExternalId(externalId);
    if (!existing) {
      throw new OperationError('conflict', `user ${externalId}: AWS refused the create as a duplicate (userName or email held by a user that is not ours)`, { cause: err });
    }
    await ctx.ids.set('user', externalId, existing.id);
    return 'already existed with our externalId; adopted';
  }
}

async function createGroup(externalId: string, displayName: string, ctx: ApplyContext, ambiguous: boolean): Promise<string | undefined> {
  if (ambiguous) {
    const existing = await ctx.scim.findGroupByExternalId(externalId);
    if (existing) {
      await ctx.ids.set('group', externalId, existing.id);
      return 'found after a lost response; not created twice';
    }
  }
  try {
    const created = await ctx.scim.createGroup({ externalId, displayName });
    await ctx.ids.set('group', externalId, created.id);
    return undefined;
  } catch (err) {
    if (!(err instanceof ScimError && err.isConflict)) throw err;
    const existing = await ctx.scim.findGroupByExternalId(externalId);
    if (!existing) {
      throw new OperationError('conflict', `group ${externalId}: AWS refused the create as a duplicate (displayName held by a group that is not ours)`, { cause: err });
    }
    await ctx.ids.set('group', externalId, existing.id);
    return 'already existed with our externalId; adopted';
  }
}

/** PATCH a user; a 404 means it was deleted out of band (F-13): an error, unless `goneIsDone`. */
async function patchUser(ctx: ApplyContext, id: string, ops: PatchOperation[], goneIsDone = false): Promise<boolean> {
  try {
    await ctx.scim.patchUser(id, ops);
    return true;
  } catch (err) {
    if (!(err instanceof ScimError && err.isNotFound)) throw err;
    if (goneIsDone) return false;
    throw new OperationError('not-found', `user ${id} no longer exists in AWS; the next run re-plans it`, { cause: err });
  }
}

/** `null` clears an attribute with `remove`; everything else is a `replace` (DG/patchuser). */
export function toPatchOps(changes: readonly AttributeChange[]): PatchOperation[] {
  return changes.map((c) => {
    if (c.value === null) return { op: 'remove', path: c.path };
    if (c.path === 'active') return { op: 'replace', path: 'active', value: String(c.value) };
    return { op: 'replace', path: c.path, value: c.value };
  });
}
