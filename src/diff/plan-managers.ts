import { SCHEMA_ENTERPRISE_USER } from '../model/aws.js';
import type { ScimId } from '../model/ids.js';
import type { PlanContext } from './plan-context.js';
import type { AttributeChange, Operation } from './plan.js';

/** The PatchUser path of the enterprise manager (RFC 7643 §4.3; DG/patchuser allows `enterprise`). */
export const MANAGER_PATH = `${SCHEMA_ENTERPRISE_USER}:manager`;

/**
 * Managers, once every user is planned. AWS stores the manager's AWS user id, so:
 *  - both users exist: the manager is one more attribute change of the user's PATCH;
 *  - either is created by this plan: a `setManager` operation runs after the creates, resolving the ids then.
 * A user without a mapped manager (`manager` absent) is left alone; `null` clears the manager.
 */
export function planManagers(ctx: PlanContext): void {
  const created = new Set(ctx.ops.flatMap((op) => (op.kind === 'createUser' ? [op.user.externalId] : [])));
  for (const d of ctx.desired.users) {
    if (d.manager === undefined || ctx.blockedUsers.has(d.externalId)) continue;
    const userId = ctx.userIds.get(d.externalId);
    // A user created by this plan has no manager to clear.
    if (userId === undefined && (d.manager === null || !created.has(d.externalId))) continue;
    if (d.manager !== null && ctx.blockedUsers.has(d.manager)) {
      ctx.findings.push({
        object: 'user',
        externalId: d.externalId,
        action: 'warning',
        field: 'enterprise.manager',
        reason: `manager ${d.manager} is neither found nor created by this run (see its conflict); set on a later run`,
      });
      continue;
    }
    const managerId = d.manager === null ? undefined : ctx.userIds.get(d.manager);
    if (d.manager !== null && managerId === undefined && !created.has(d.manager)) {
      ctx.findings.push({
        object: 'user',
        externalId: d.externalId,
        action: 'warning',
        field: 'enterprise.manager',
        reason: `manager ${d.manager} is not a user icsync manages in AWS; the manager in AWS is left as it is`,
      });
      continue;
    }
    if (userId === undefined || (d.manager !== null && managerId === undefined)) {
      const user = userId === undefined ? { externalId: d.externalId } : { externalId: d.externalId, id: userId };
      const manager =
        d.manager === null
          ? null
          : managerId === undefined
            ? { externalId: d.manager }
            : { externalId: d.manager, id: managerId };
      ctx.ops.push({ kind: 'setManager', user, manager });
      continue;
    }
    if (managerId === ctx.usersById.get(userId)?.managerId) continue;
    addChange(ctx.ops, d.externalId, userId, {
      path: MANAGER_PATH,
      value: managerId === undefined ? null : { value: managerId },
    });
  }
}

/** Joins the user's PATCH (update or adoption) when there is one, so one request carries every change. */
function addChange(ops: Operation[], externalId: string, id: ScimId, change: AttributeChange): void {
  const patch = ops.find(
    (op): op is Extract<Operation, { kind: 'patchUser' | 'adoptUser' }> =>
      (op.kind === 'patchUser' || op.kind === 'adoptUser') && op.target.externalId === externalId,
  );
  if (patch !== undefined) patch.changes.push(change);
  else ops.push({ kind: 'patchUser', target: { externalId, id }, changes: [change] });
}
