/**
 * PatchOp builders (RFC 7644 §3.5.2) in the forms IAM Identity Center documents.
 */
import { toScimAddresses, toScimEmails, toScimMembers, toScimPhoneNumbers } from './map.js';
import { MAX_MEMBERS_PER_PATCH, SCHEMA_PATCH_OP, type PatchOperation, type PatchRequest } from './wire.js';

export { MAX_MEMBERS_PER_PATCH };

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
  return { op, path: 'members', value: toScimMembers(`members ${op}`, userIds) };
}

/** Membership changes in a PatchGroup request, which DG/patchgroup caps at 100 in total. */
export function countMemberChanges(operations: readonly PatchOperation[]): number {
  let n = 0;
  for (const operation of operations) {
    if (operation.path === 'members' && Array.isArray(operation.value)) n += operation.value.length;
  }
  return n;
}

/**
 * A group rename: `replace` with the explicit path `displayName`, one attribute per operation. The
 * DG/patchgroup example omits `path` and sends `{"id", "displayName"}`; AWS answers a path-less
 * operation that touches more than one attribute with 400 "Current PATCH support allows omitting
 * "path" attribute only for Add and Replace operations modifying a single attribute"
 * (https://github.com/goauthentik/authentik/issues/12321), while the path form is what the fix for
 * that issue sends (https://github.com/goauthentik/authentik/pull/18230).
 */
export function renameGroupPatch(displayName: string): PatchOperation {
  return { op: 'replace', path: 'displayName', value: displayName };
}

/** Sets the `externalId` of a group: adoption and the move off the legacy form (DG/patchgroup allows it). */
export function groupExternalIdPatch(externalId: string): PatchOperation {
  return { op: 'replace', path: 'externalId', value: externalId };
}

/** One attribute to set, or to clear with `null`, by SCIM path (the planner's AttributeChange). */
export interface AttributeUpdate {
  path: string;
  value: unknown;
}

/** DG/patchuser: `remove` is not supported on these, and one request may carry one operation on each. */
const NOT_REMOVABLE: ReadonlySet<string> = new Set(['userName', 'active']);
const LIST_MAPPERS: Record<string, (values: never[]) => unknown[]> = {
  emails: toScimEmails,
  phoneNumbers: toScimPhoneNumbers,
  addresses: toScimAddresses,
};

/**
 * PatchUser operations, exactly one per attribute and each with an explicit `path` (DG/patchuser
 * lists which attributes may change). Sub-attributes of `name` and of the enterprise extension have
 * their own paths (`name.givenName`, `urn:…:enterprise:2.0:User:department`, RFC 7644 §3.10), because
 * replacing the complex attribute would leave sub-attributes that were not sent unchanged
 * (RFC 7644 §3.5.2.3) and could not clear them. Multi-valued attributes are replaced whole through
 * the wire mapping: each holds one value on AWS. `null`, `""` and an empty list remove the attribute
 * (AWS rejects `""`). An empty request, a repeated path and removing `userName`/`active` are refused.
 */
export function userPatchOperations(updates: readonly AttributeUpdate[]): PatchOperation[] {
  if (updates.length === 0) throw new RangeError('PatchUser: no attribute to change');
  const paths = new Set(updates.map((u) => u.path));
  if (paths.size !== updates.length) throw new RangeError('PatchUser: one operation per attribute; a path repeats');
  return updates.map(({ path, value }) => {
    const cleared =
      value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
    if (cleared) {
      if (NOT_REMOVABLE.has(path)) throw new RangeError(`PatchUser: ${path} cannot be removed (DG/patchuser)`);
      return { op: 'remove', path };
    }
    // The only documented form (DG/patchuser example) carries the boolean as a string: "value": "false".
    if (path === 'active') return { op: 'replace', path, value: value === true ? 'true' : 'false' };
    const toWire = LIST_MAPPERS[path];
    if (toWire && Array.isArray(value)) return { op: 'replace', path, value: toWire(value as never[]) };
    return { op: 'replace', path, value };
  });
}
