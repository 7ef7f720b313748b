import type { AwsUserAttributes, DesiredUser, TakeoverMatch } from '../model/aws.js';
import type { ScimId } from '../model/ids.js';
import type { Finding } from './findings.js';

/**
 * A plan is data: the exact list of SCIM writes a sync would send, in the order they must run.
 * `diff` prints it, `sync` applies it, and both print the same hash for the same inputs.
 */

/** A reference to an AWS object by our externalId; `id` is known unless the object is created by this plan. */
export interface ObjectRef {
  externalId: string;
  id?: ScimId;
  /** userName (users) or displayName (groups) for people reading the plan; never sent, not in the hash. */
  name?: string;
}

/** An object AWS already holds. */
export type ExistingRef = ObjectRef & { id: ScimId };

/** One attribute to set (`value`) or clear (`value: null`), by SCIM path. */
export interface AttributeChange {
  path: string;
  value: unknown;
  /** What AWS holds now (null when unset), for people reading the plan; never sent, not in the hash. */
  from?: unknown;
}

export type Operation =
  | { kind: 'createUser'; user: DesiredUser }
  | {
      kind: 'migrateExternalId';
      object: 'user' | 'group';
      target: ExistingRef;
      from: string;
      /** Set when `from` is another provisioner's externalId (a migration takeover), absent for the legacy form. */
      takeover?: TakeoverMatch;
    }
  | { kind: 'patchUser'; target: ExistingRef; changes: AttributeChange[] }
  | { kind: 'adoptUser'; target: ExistingRef; changes: AttributeChange[] }
  | { kind: 'deactivateUser'; target: ExistingRef; reason: 'left-scope' | 'disabled-in-source' }
  | { kind: 'deleteUser'; target: ExistingRef; userName: string }
  /**
   * Sets (or with `manager: null` clears) a user's enterprise manager once both users exist: the second pass for
   * users created by this plan, whose AWS ids are only known when the plan runs.
   */
  | { kind: 'setManager'; user: ObjectRef; manager: ObjectRef | null }
  /**
   * `members`: the group's first ≤100 members, sent in the POST (DG/creategroup) so a new group needs
   * no member PATCH of its own; absent when there are none or the policy creates groups empty.
   */
  | { kind: 'createGroup'; externalId: string; displayName: string; members?: ObjectRef[] }
  | { kind: 'adoptGroup'; target: ExistingRef; displayName: string }
  | { kind: 'renameGroup'; target: ExistingRef; from: string; displayName: string }
  | { kind: 'deleteGroup'; target: ExistingRef; displayName: string }
  | { kind: 'addMembers'; group: ObjectRef; members: ObjectRef[] }
  | { kind: 'removeMembers'; group: ObjectRef; members: ObjectRef[] };

export type OperationKind = Operation['kind'];

/**
 * Phases run strictly one after another: users and groups exist before members are added,
 * removals come before deactivation, and deletes come last (a group's members must be resolvable).
 */
export const PHASES: readonly (readonly OperationKind[])[] = [
  ['migrateExternalId', 'createUser', 'adoptUser', 'patchUser'],
  ['createGroup', 'adoptGroup', 'renameGroup', 'setManager'],
  ['addMembers'],
  ['removeMembers'],
  ['deactivateUser'],
  ['deleteGroup', 'deleteUser'],
];

/** The externalId an operation is about: the user or group it creates or changes (for member changes, the group). */
export function operationExternalId(op: Operation): string {
  switch (op.kind) {
    case 'createUser':
      return op.user.externalId;
    case 'createGroup':
      return op.externalId;
    case 'setManager':
      return op.user.externalId;
    case 'addMembers':
    case 'removeMembers':
      return op.group.externalId;
    default:
      return op.target.externalId;
  }
}

export const DESTRUCTIVE_KINDS: ReadonlySet<OperationKind> = new Set([
  'deactivateUser',
  'deleteUser',
  'deleteGroup',
  'removeMembers',
]);

export interface BrakeEvaluation {
  destructive: number;
  /** Objects another provisioner created that this plan claims; held by the same threshold. */
  takeovers: number;
  threshold: number;
  managedObjects: number;
  blocked: boolean;
}

export interface Plan {
  operations: Operation[];
  findings: Finding[];
  counts: Record<OperationKind, number>;
  /** Individual membership changes (a PATCH carries up to 100). */
  membershipChanges: { add: number; remove: number };
  brake: BrakeEvaluation;
  hash: string;
}

export type { AwsUserAttributes };
