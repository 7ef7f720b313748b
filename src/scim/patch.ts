/**
 * PatchOp builders (RFC 7644 §3.5.2) in the forms IAM Identity Center documents.
 */
import type { Address, Email, EnterpriseInfo, PersonName, PhoneNumber } from '../model/user.js';
import { toScimAddresses, toScimEmails, toScimPhoneNumbers } from './map.js';
import { SCHEMA_ENTERPRISE_USER, SCHEMA_PATCH_OP, type PatchOperation, type PatchRequest } from './wire.js';

/**
 * DG/patchgroup: at most 100 membership changes per PatchGroup request (also the inline limit of
 * DG/creategroup). ssosync keeps the same constant, `MaxMemberChanges = 100`.
 */
export const MAX_MEMBERS_PER_PATCH = 100;

export function patchRequest(operations: readonly PatchOperation[]): PatchRequest {
  if (operations.length === 0) throw new RangeError('a PatchOp request needs at least one operation');
  return { schemas: [SCHEMA_PATCH_OP], Operations: [...operations] };
}

/**
 * `{"op":"add"|"remove","path":"members","value":[{"value":"<userId>"}, …]}` (DG/patchgroup).
 * An empty list is refused: AWS answers 400 to anything that would remove every member, and an
 * empty add is a planning bug. `replace` of members is never built: AWS rejects it.
 */
export function memberPatch(op: 'add' | 'remove', userIds: readonly string[]): PatchOperation {
  if (userIds.length === 0) throw new RangeError(`members ${op}: no user ids`);
  if (userIds.length > MAX_MEMBERS_PER_PATCH) {
    throw new RangeError(`members ${op}: ${userIds.length} user ids, at most ${MAX_MEMBERS_PER_PATCH} per request (DG/patchgroup)`);
  }
  if (new Set(userIds).size !== userIds.length) throw new RangeError(`members ${op}: duplicate user ids`);
  return { op, path: 'members', value: userIds.map((value) => ({ value })) };
}

/** Membership changes in a PatchGroup request, which DG/patchgroup caps at 100 in total. */
export function countMemberChanges(operations: readonly PatchOperation[]): number {
  let n = 0;
  for (const operation of operations) {
    if (operation.path === 'members' && Array.isArray(operation.value)) n += operation.value.length;
  }
  return n;
}

/** The rename form of the DG/patchgroup example: `replace` with no `path` and an object value. */
export function renameGroupPatch(groupId: string, displayName: string): PatchOperation {
  return { op: 'replace', value: { id: groupId, displayName } };
}

/** Sets the `externalId` of a group, e.g. to adopt a group created by hand (DG/patchgroup allows it). */
export function groupExternalIdPatch(externalId: string): PatchOperation {
  return { op: 'replace', path: 'externalId', value: externalId };
}

type Clearable<T> = { [K in keyof T]?: T[K] | null };

/**
 * Changes to one user. A key that is absent is left alone; `null` removes the attribute; an empty
 * list removes the multi-valued attribute. `userName` and `active` cannot be removed (DG/patchuser).
 */
export interface UserChanges {
  userName?: string;
  active?: boolean;
  externalId?: string | null;
  displayName?: string | null;
  nickName?: string | null;
  title?: string | null;
  userType?: string | null;
  preferredLanguage?: string | null;
  locale?: string | null;
  timezone?: string | null;
  name?: Clearable<PersonName>;
  emails?: Email[];
  phoneNumbers?: PhoneNumber[];
  addresses?: Address[];
  enterprise?: Clearable<EnterpriseInfo>;
}

const SIMPLE_ATTRIBUTES = [
  'externalId',
  'displayName',
  'nickName',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
] as const;

/**
 * PatchUser operations, one per changed attribute (DG/patchuser lists which attributes may change).
 * Sub-attributes of `name` and of the enterprise extension get their own paths (`name.givenName`,
 * `urn:…:enterprise:2.0:User:department`, RFC 7644 §3.10), because replacing the complex attribute
 * would leave sub-attributes that were not sent unchanged (RFC 7644 §3.5.2.3) and could not clear them.
 * Multi-valued attributes are replaced whole: each holds one value on AWS.
 */
export function userPatchOperations(changes: UserChanges): PatchOperation[] {
  const ops: PatchOperation[] = [];
  if (changes.userName !== undefined) ops.push(replace('userName', changes.userName));
  // The only documented form (DG/patchuser example) carries the boolean as a string: "value": "false".
  if (changes.active !== undefined) ops.push(replace('active', String(changes.active)));
  for (const key of SIMPLE_ATTRIBUTES) pushSimple(ops, key, changes[key]);
  for (const [key, value] of entries(changes.name)) pushSimple(ops, `name.${key}`, value);
  for (const [key, value] of entries(changes.enterprise)) pushSimple(ops, `${SCHEMA_ENTERPRISE_USER}:${key}`, value);
  if (changes.emails !== undefined) pushList(ops, 'emails', toScimEmails(changes.emails));
  if (changes.phoneNumbers !== undefined) pushList(ops, 'phoneNumbers', toScimPhoneNumbers(changes.phoneNumbers));
  if (changes.addresses !== undefined) pushList(ops, 'addresses', toScimAddresses(changes.addresses));
  return ops;
}

function replace(path: string, value: unknown): PatchOperation {
  return { op: 'replace', path, value };
}

/** `""` is treated like `null`: AWS rejects empty strings, so the attribute is removed instead. */
function pushSimple(ops: PatchOperation[], path: string, value: string | null | undefined): void {
  if (value === undefined) return;
  ops.push(value === null || value === '' ? { op: 'remove', path } : replace(path, value));
}

function pushList(ops: PatchOperation[], path: string, values: readonly unknown[]): void {
  ops.push(values.length === 0 ? { op: 'remove', path } : replace(path, values));
}

function entries<T extends object>(changes: T | undefined): Array<[string, string | null | undefined]> {
  return changes === undefined ? [] : (Object.entries(changes) as Array<[string, string | null | undefined]>);
}
