import { createHash, type Hash } from 'node:crypto';
import type { DesiredUser } from '../model/aws.js';
import type { Address } from '../model/user.js';
import type { AttributeChange, ObjectRef, Operation } from './plan.js';

/**
 * The plan hash operators pass to `--approve`: the first 16 hex digits of SHA-256 over the writes
 * the operations send. What is only there for people reading the plan (names, the values AWS holds
 * now in a patch's `from`) is left out, so the hash binds exactly what is applied.
 *
 * Each operation is one JSON array with its fields in a fixed order per kind, so the hash does not
 * depend on object key order and no keys are sorted for the bulk (created users, member lists);
 * only free-form values (a patch's value) go through a key-sorted copy. JSON arrays delimit
 * themselves, so the concatenation of operations decodes one way only.
 */
export function planHash(operations: readonly Operation[]): string {
  const hash = createHash('sha256');
  const out = buffered(hash);
  for (const op of operations) out(JSON.stringify(encode(op)));
  out.flush();
  return hash.digest('hex').slice(0, 16);
}

function encode(op: Operation): unknown[] {
  switch (op.kind) {
    case 'createUser':
      return [op.kind, ...userFields(op.user)];
    case 'createGroup':
      // Members only when sent, so a group created empty hashes as it always has.
      return [op.kind, op.externalId, op.displayName, ...(op.members ? memberFields(op.members) : [])];
    case 'addMembers':
    case 'removeMembers':
      return [op.kind, ...ref(op.group), ...memberFields(op.members)];
    case 'patchUser':
    case 'adoptUser':
      return [op.kind, ...ref(op.target), op.changes.map(change)];
    case 'migrateExternalId':
      return [op.kind, op.object, ...ref(op.target), op.from, op.takeover ?? null];
    case 'deactivateUser':
      return [op.kind, ...ref(op.target), op.reason];
    case 'deleteUser':
      return [op.kind, ...ref(op.target), op.userName];
    case 'adoptGroup':
    case 'deleteGroup':
      return [op.kind, ...ref(op.target), op.displayName];
    case 'renameGroup':
      return [op.kind, ...ref(op.target), op.from, op.displayName];
    case 'setManager':
      return [op.kind, ...ref(op.user), op.manager === null ? null : ref(op.manager)];
  }
}

function ref(r: ObjectRef): [string, string | null] {
  return [r.externalId, r.id ?? null];
}

/**
 * A member list as the lengths of its externalIds and ids (-1 for a user this plan creates) and
 * each kind joined into one string: a first sync carries half a million member references, and
 * one long string serializes faster than as many short ones. The lengths split the
 * joined strings back, so the encoding stays one-to-one.
 */
function memberFields(members: readonly ObjectRef[]): [number[], number[], string, string] {
  const externalIds = members.map((m) => m.externalId);
  const ids = members.map((m) => m.id ?? '');
  const idLengths = members.map((m) => (m.id === undefined ? -1 : m.id.length));
  return [externalIds.map((e) => e.length), idLengths, externalIds.join(''), ids.join('')];
}

function change(c: AttributeChange): [string, unknown] {
  return [c.path, sortedCopy(c.value)];
}

/**
 * Every attribute of a desired user that CreateUser sends (src/scim/map.ts): the common ones in a
 * fixed order, and whatever else the user carries (a mapped profileUrl, the manager, an attribute
 * added later) key-sorted after them, so no attribute is ever left unbound. hash.test.ts changes
 * each attribute of a fully populated user and expects a different hash.
 */
function userFields(u: DesiredUser): unknown[] {
  const {
    externalId,
    userName,
    displayName,
    name,
    nickName,
    title,
    userType,
    preferredLanguage,
    locale,
    timezone,
    emails,
    phoneNumbers,
    addresses,
    enterprise,
    active,
    ...otherAttributes
  } = u;
  const { givenName, familyName, middleName, formatted, honorificPrefix, honorificSuffix, ...otherName } = name;
  const { employeeNumber, costCenter, organization, division, department, ...otherEnterprise } = enterprise;
  return [
    externalId,
    userName,
    displayName,
    [
      givenName,
      familyName,
      middleName ?? null,
      formatted ?? null,
      honorificPrefix ?? null,
      honorificSuffix ?? null,
      sortedCopy(otherName),
    ],
    nickName ?? null,
    title ?? null,
    userType ?? null,
    preferredLanguage ?? null,
    locale ?? null,
    timezone ?? null,
    emails.map((m) => [m.value, m.type ?? null, m.primary ?? null]),
    phoneNumbers.map((p) => [p.value, p.type ?? null, p.primary ?? null]),
    addresses.map(addressFields),
    [
      employeeNumber ?? null,
      costCenter ?? null,
      organization ?? null,
      division ?? null,
      department ?? null,
      sortedCopy(otherEnterprise),
    ],
    active,
    sortedCopy(otherAttributes),
  ];
}

function addressFields(a: Address): unknown[] {
  return [
    a.type ?? null,
    a.streetAddress ?? null,
    a.locality ?? null,
    a.region ?? null,
    a.postalCode ?? null,
    a.country ?? null,
    a.formatted ?? null,
    a.primary ?? null,
  ];
}

/** A copy with object keys inserted in sorted order, which JSON.stringify then keeps. */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortedCopy);
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(record).sort()) if (record[k] !== undefined) out[k] = sortedCopy(record[k]);
  return out;
}

/** Joins small strings into ~64 KiB hash updates. */
function buffered(hash: Hash): ((s: string) => void) & { flush(): void } {
  let parts: string[] = [];
  let length = 0;
  const flush = (): void => {
    if (parts.length > 0) hash.update(parts.join(''));
    parts = [];
    length = 0;
  };
  const write = (s: string): void => {
    parts.push(s);
    length += s.length;
    if (length >= 65_536) flush();
  };
  return Object.assign(write, { flush });
}
