import { createHash } from 'node:crypto';
import type { DesiredUser } from '../model/aws.js';
import { ENTERPRISE_ATTRIBUTES, PERSON_NAME_PARTS, USER_TEXT_ATTRIBUTES, type Address } from '../model/user.js';
import type { ObjectRef, Operation, OperationKind } from './plan.js';
import { HashWriter } from './hash-writer.js';

/**
 * The plan hash operators pass to `--approve`: the first 16 hex digits of SHA-256 over the writes
 * the operations send. What is only there for people reading the plan (names, the values AWS holds
 * now in a patch's `from`) is left out, so the hash binds exactly what is applied.
 *
 * Each operation is a tag for its kind, then its fields in a fixed order per kind, written as
 * lengths, counts and markers beside the strings' text (hash-writer.ts), so the input decodes one
 * way only without building an array or a JSON text per operation; only free-form values (a
 * patch's value, attributes outside the fixed list) go through key-sorted JSON.
 */
export function planHash(operations: readonly Operation[]): string {
  const hash = createHash('sha256');
  const w = new HashWriter(hash);
  for (const op of operations) encode(w, op);
  w.flush();
  return hash.digest('hex').slice(0, 16);
}

/** One structure byte per kind; `satisfies` makes a new kind take a tag of its own here. */
export const KIND_TAGS = {
  createUser: 1,
  createGroup: 2,
  addMembers: 3,
  removeMembers: 4,
  patchUser: 5,
  adoptUser: 6,
  migrateExternalId: 7,
  deactivateUser: 8,
  deleteUser: 9,
  adoptGroup: 10,
  deleteGroup: 11,
  renameGroup: 12,
  setManager: 13,
} satisfies Record<OperationKind, number>;

function encode(w: HashWriter, op: Operation): void {
  w.marker(KIND_TAGS[op.kind]);
  switch (op.kind) {
    case 'createUser':
      return userFields(w, op.user);
    case 'createGroup':
      w.str(op.externalId);
      w.str(op.displayName);
      // The members sent in the POST, counted even when there are none, so the encoding stays one-to-one.
      return w.refs(op.members ?? []);
    case 'addMembers':
    case 'removeMembers':
      ref(w, op.group);
      return w.refs(op.members);
    case 'patchUser':
    case 'adoptUser':
      ref(w, op.target);
      w.count(op.changes.length);
      for (const c of op.changes) {
        w.str(c.path);
        w.json(c.value);
      }
      return;
    case 'migrateExternalId':
      w.str(op.object);
      ref(w, op.target);
      w.str(op.from);
      return w.opt(op.takeover);
    case 'deactivateUser':
      ref(w, op.target);
      return w.str(op.reason);
    case 'deleteUser':
      ref(w, op.target);
      return w.str(op.userName);
    case 'adoptGroup':
    case 'deleteGroup':
      ref(w, op.target);
      return w.str(op.displayName);
    case 'renameGroup':
      ref(w, op.target);
      w.str(op.from);
      return w.str(op.displayName);
    case 'setManager':
      ref(w, op.user);
      if (op.manager === null) return w.marker(0);
      w.marker(1);
      return ref(w, op.manager);
  }
}

function ref(w: HashWriter, r: ObjectRef): void {
  w.str(r.externalId);
  w.opt(r.id);
}

const NAME_PARTS: ReadonlySet<string> = new Set(PERSON_NAME_PARTS);
const ENTERPRISE_FIELDS: ReadonlySet<string> = new Set(ENTERPRISE_ATTRIBUTES);
const USER_FIELDS: ReadonlySet<string> = new Set([
  'externalId',
  'userName',
  'displayName',
  'name',
  ...USER_TEXT_ATTRIBUTES,
  'emails',
  'phoneNumbers',
  'addresses',
  'enterprise',
  'active',
]);

/**
 * Every attribute of a desired user that CreateUser sends (src/scim/map.ts): the common ones in a
 * fixed order, and whatever else the user carries (a mapped profileUrl, the manager, an attribute
 * added later) key-sorted after them, so no attribute is ever left unbound. hash.test.ts changes
 * each attribute of a fully populated user and expects a different hash.
 */
function userFields(w: HashWriter, u: DesiredUser): void {
  w.str(u.externalId);
  w.str(u.userName);
  w.str(u.displayName);
  const n = u.name;
  w.str(n.givenName);
  w.str(n.familyName);
  w.opt(n.middleName);
  w.opt(n.formatted);
  w.opt(n.honorificPrefix);
  w.opt(n.honorificSuffix);
  w.others(n, NAME_PARTS);
  for (const key of USER_TEXT_ATTRIBUTES) w.opt(u[key]);
  w.count(u.emails.length);
  for (const m of u.emails) valueFields(w, m);
  w.count(u.phoneNumbers.length);
  for (const p of u.phoneNumbers) valueFields(w, p);
  w.count(u.addresses.length);
  for (const a of u.addresses) addressFields(w, a);
  const e = u.enterprise;
  w.opt(e.employeeNumber);
  w.opt(e.costCenter);
  w.opt(e.organization);
  w.opt(e.division);
  w.opt(e.department);
  w.others(e, ENTERPRISE_FIELDS);
  w.flag(u.active);
  w.others(u, USER_FIELDS);
}

function valueFields(w: HashWriter, v: { value: string; type?: string; primary?: boolean }): void {
  w.str(v.value);
  w.opt(v.type);
  w.flag(v.primary);
}

function addressFields(w: HashWriter, a: Address): void {
  w.opt(a.type);
  w.opt(a.streetAddress);
  w.opt(a.locality);
  w.opt(a.region);
  w.opt(a.postalCode);
  w.opt(a.country);
  w.opt(a.formatted);
  w.flag(a.primary);
}
