import type { DesiredState } from './desired.js';
import type { CurrentState } from './plan-context.js';
import type { ObjectRef, Operation } from './plan.js';

interface Names {
  users: ReadonlyMap<string, string>;
  groups: ReadonlyMap<string, string>;
}

/**
 * Puts the userName or displayName beside every externalId an operation names, so the plan reads
 * as people and groups, not only ids. AWS's current name comes first (what the operator sees in
 * the console today); an object this plan creates has only its desired name. Names are never
 * sent and are left out of the plan hash.
 */
export function labelOperations(ops: readonly Operation[], desired: DesiredState, current: CurrentState): Operation[] {
  const users = new Map<string, string>();
  const groups = new Map<string, string>();
  for (const u of desired.users) users.set(u.externalId, u.userName);
  for (const g of desired.groups) groups.set(g.externalId, g.displayName);
  for (const u of current.users) if (u.externalId) users.set(u.externalId, u.userName);
  for (const g of current.groups) if (g.externalId) groups.set(g.externalId, g.displayName);
  return ops.map((op) => label(op, { users, groups }));
}

function label(op: Operation, names: Names): Operation {
  const user = (ref: ObjectRef): ObjectRef => named(ref, names.users);
  const group = (ref: ObjectRef): ObjectRef => named(ref, names.groups);
  switch (op.kind) {
    case 'createUser':
      return op;
    case 'createGroup':
      return op.members ? { ...op, members: op.members.map(user) } : op;
    case 'addMembers':
    case 'removeMembers':
      return { ...op, group: group(op.group), members: op.members.map(user) };
    case 'migrateExternalId': {
      const byOld = op.object === 'user' ? names.users : names.groups;
      const name = byOld.get(op.from) ?? byOld.get(op.target.externalId);
      return name === undefined ? op : { ...op, target: { ...op.target, name } };
    }
    case 'setManager':
      return { ...op, user: user(op.user), manager: op.manager === null ? null : user(op.manager) };
    case 'adoptGroup':
    case 'renameGroup':
    case 'deleteGroup':
      return { ...op, target: { ...op.target, ...nameOf(op.target, names.groups) } };
    default:
      return { ...op, target: { ...op.target, ...nameOf(op.target, names.users) } };
  }
}

function named(ref: ObjectRef, names: ReadonlyMap<string, string>): ObjectRef {
  return { ...ref, ...nameOf(ref, names) };
}

function nameOf(ref: ObjectRef, names: ReadonlyMap<string, string>): { name?: string } {
  const name = names.get(ref.externalId);
  return name === undefined ? {} : { name };
}
