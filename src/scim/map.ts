/**
 * Wire ↔ model mapping. Pure functions: no I/O, no logging.
 * The wire shapes are in ./wire.ts; the AWS dialect they follow is the SCIM Implementation Developer Guide
 * (DG, linked there).
 */
import { hasForbiddenCharacter } from '../model/aws-characters.js';
import { asScimId } from '../model/ids.js';
import type { AwsUserAttributes, DesiredUser, TargetGroup, TargetUser } from '../model/aws.js';
import {
  ENTERPRISE_ATTRIBUTES,
  PERSON_NAME_PARTS,
  USER_TEXT_ATTRIBUTES,
  type Address,
  type Email,
  type EnterpriseInfo,
  type PhoneNumber,
} from '../model/user.js';
import {
  MAX_MEMBERS_PER_PATCH,
  SCHEMA_ENTERPRISE_USER,
  SCHEMA_GROUP,
  SCHEMA_USER,
  type ScimAddress,
  type ScimEnterpriseExtension,
  type ScimGroupResource,
  type ScimMultiValue,
  type ScimUserResource,
} from './wire.js';

export type UserToWrite = DesiredUser | (AwsUserAttributes & { externalId: string });

const USER_STRINGS = [...USER_TEXT_ATTRIBUTES, 'profileUrl'] as const;
const NAME_KEYS = PERSON_NAME_PARTS;
const ADDRESS_KEYS = ['type', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'formatted'] as const;
const ENTERPRISE_KEYS = ENTERPRISE_ATTRIBUTES;

/** Body of CreateUser (DG/createuser). `groups` is never sent: AWS rejects it on users. */
export function toScimUser(user: UserToWrite): ScimUserResource {
  const enterprise = toScimEnterprise(user.enterprise);
  const out: ScimUserResource = {
    schemas: enterprise === undefined ? [SCHEMA_USER] : [SCHEMA_USER, SCHEMA_ENTERPRISE_USER],
    externalId: user.externalId,
    userName: user.userName,
    name: toScimName(user.name),
    displayName: user.displayName,
    active: user.active,
  };
  copyStrings(user, out, USER_STRINGS);
  const emails = toScimEmails(user.emails);
  if (emails.length > 0) out.emails = emails;
  const phoneNumbers = toScimPhoneNumbers(user.phoneNumbers);
  if (phoneNumbers.length > 0) out.phoneNumbers = phoneNumbers;
  const addresses = toScimAddresses(user.addresses);
  if (addresses.length > 0) out.addresses = addresses;
  if (enterprise !== undefined) out[SCHEMA_ENTERPRISE_USER] = enterprise;
  return out;
}

export function toScimName(name: AwsUserAttributes['name']): ScimUserResource['name'] {
  const out: ScimUserResource['name'] = { givenName: name.givenName, familyName: name.familyName };
  copyStrings(name, out, NAME_KEYS);
  return out;
}

/** The one email must be `primary` (DG/createuser); IAM Identity Center stores a single value. */
export function toScimEmails(emails: readonly Email[]): ScimMultiValue[] {
  return singleValued('emails', emails).map((e) => multiValue(e.value, e.type, true));
}

export function toScimPhoneNumbers(phones: readonly PhoneNumber[]): ScimMultiValue[] {
  return singleValued('phoneNumbers', phones).map((p) => multiValue(p.value, p.type, p.primary));
}

export function toScimAddresses(addresses: readonly Address[]): ScimAddress[] {
  return singleValued('addresses', addresses).map((a) => {
    const out: ScimAddress = {};
    copyStrings(a, out, ADDRESS_KEYS);
    if (a.primary !== undefined) out.primary = a.primary;
    return out;
  });
}

export function toScimEnterprise(info: EnterpriseInfo): ScimEnterpriseExtension | undefined {
  const out: ScimEnterpriseExtension = {};
  copyStrings(info, out, ENTERPRISE_KEYS);
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * A user as read back. Absent `active` means true (RFC 7643 §4.1.1 leaves it to the provider;
 * AWS users are active unless disabled). Hand-made users may lack `externalId`.
 */
export function fromScimUser(resource: ScimUserResource): TargetUser {
  const name: TargetUser['name'] = {
    givenName: resource.name?.givenName ?? '',
    familyName: resource.name?.familyName ?? '',
  };
  copyStrings(resource.name ?? {}, name, NAME_KEYS);
  const out: TargetUser = {
    id: asScimId(resource.id ?? ''),
    userName: resource.userName,
    displayName: resource.displayName ?? '',
    name,
    emails: (resource.emails ?? []).map(fromMultiValue),
    phoneNumbers: (resource.phoneNumbers ?? []).map(fromMultiValue),
    addresses: (resource.addresses ?? []).map(fromScimAddress),
    enterprise: fromScimEnterprise(resource[SCHEMA_ENTERPRISE_USER]),
    active: resource.active ?? true,
  };
  if (resource.externalId !== undefined) out.externalId = resource.externalId;
  const managerId = resource[SCHEMA_ENTERPRISE_USER]?.manager?.value;
  if (typeof managerId === 'string' && managerId !== '') out.managerId = managerId;
  copyStrings(resource, out, USER_STRINGS);
  return out;
}

/** A group to create, with up to 100 first members (AWS user ids). */
export interface NewGroup {
  externalId: string;
  displayName: string;
  members?: readonly string[];
}

/**
 * Body of CreateGroup (DG/creategroup): up to 100 members may ride in the POST; each is sent as
 * `{"value": "<userId>"}`, the form PatchGroup takes, and no `members` key is sent when there are none.
 */
export function toScimGroup(group: NewGroup): ScimGroupResource {
  const body: ScimGroupResource = {
    schemas: [SCHEMA_GROUP],
    externalId: group.externalId,
    displayName: group.displayName,
  };
  if (group.members && group.members.length > 0) body.members = toScimMembers('CreateGroup members', group.members);
  return body;
}

/**
 * Member references for a PatchGroup operation or a CreateGroup body: at most 100 (DG/patchgroup,
 * DG/creategroup), none repeated. An empty list is refused: AWS answers 400 to anything that would
 * remove every member, and an empty add is a planning bug.
 */
export function toScimMembers(what: string, userIds: readonly string[]): { value: string }[] {
  if (userIds.length === 0) throw new RangeError(`${what}: no user ids`);
  if (userIds.length > MAX_MEMBERS_PER_PATCH) {
    throw new RangeError(
      `${what}: ${userIds.length} user ids, at most ${MAX_MEMBERS_PER_PATCH} per request (DG/patchgroup, DG/creategroup)`,
    );
  }
  if (new Set(userIds).size !== userIds.length) throw new RangeError(`${what}: duplicate user ids`);
  return userIds.map((value) => ({ value }));
}

/** `members` is ignored: AWS never returns it with content (DG/getgroup, DG/listgroups). */
export function fromScimGroup(resource: ScimGroupResource): TargetGroup {
  const out: TargetGroup = { id: asScimId(resource.id ?? ''), displayName: resource.displayName ?? '' };
  if (resource.externalId !== undefined) out.externalId = resource.externalId;
  return out;
}

/** Enough of a User to map it: an `id` and a `userName`. */
export function isScimUserResource(value: unknown): value is ScimUserResource & { id: string } {
  if (!isRecord(value)) return false;
  return typeof value.id === 'string' && value.id !== '' && typeof value.userName === 'string';
}

/** Enough of a Group to map it: an `id`. */
export function isScimGroupResource(value: unknown): value is ScimGroupResource & { id: string } {
  return isRecord(value) && typeof value.id === 'string' && value.id !== '';
}

function fromMultiValue(v: ScimMultiValue): Email & PhoneNumber {
  return multiValue(v.value, v.type, v.primary);
}

function fromScimAddress(a: ScimAddress): Address {
  const out: Address = {};
  copyStrings(a, out, ADDRESS_KEYS);
  if (a.primary !== undefined) out.primary = a.primary;
  return out;
}

function fromScimEnterprise(ext: ScimEnterpriseExtension | undefined): EnterpriseInfo {
  const out: EnterpriseInfo = {};
  if (ext !== undefined) copyStrings(ext, out, ENTERPRISE_KEYS);
  return out;
}

/**
 * Multi-valued attributes accept one item (DG/createuser, DG/limitations). The constraint engine
 * guarantees this; a longer list here is a bug, and dropping values silently would lose data.
 */
function singleValued<T>(attribute: string, list: readonly T[]): readonly T[] {
  if (list.length > 1)
    throw new RangeError(`${attribute}: IAM Identity Center accepts at most one value, got ${list.length}`);
  return list;
}

/** Only the sub-attributes AWS stores: `display` is not supported (DG/limitations). */
function multiValue(value: string, type: string | undefined, primary: boolean | undefined): ScimMultiValue {
  const out: ScimMultiValue = { value };
  if (type !== undefined) out.type = type;
  if (primary !== undefined) out.primary = primary;
  return out;
}

/**
 * Copies the listed string fields that are present and non-empty. AWS rejects `""` (every string has a
 * minimum length of 1: https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html),
 * and an absent value means the same thing.
 */
function copyStrings<K extends string>(
  from: Partial<Record<K, unknown>>,
  to: Partial<Record<K, string | null>>,
  keys: readonly K[],
): void {
  for (const key of keys) {
    const value = from[key];
    if (typeof value === 'string' && value !== '') to[key] = value;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The first attribute of a request body whose value holds a character AWS rejects, as a dotted
 * path (`emails.0.value`), or undefined. `schemas` and a PatchOp's `op`/`path` are protocol, not
 * attribute values, and are not checked (`urn:…` necessarily contains `:`). This is the last
 * guard before the wire: the constraint engine already removed or refused such values.
 */
export function unsendableAttribute(body: unknown, at = ''): string | undefined {
  if (typeof body === 'string') return hasForbiddenCharacter(body) ? at || '(value)' : undefined;
  if (Array.isArray(body)) {
    for (const [i, item] of body.entries()) {
      const found = unsendableAttribute(item, join(at, String(i)));
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(body)) return undefined;
  const isPatchOperation = typeof body.op === 'string';
  for (const [key, value] of Object.entries(body)) {
    if (key === 'schemas' || (isPatchOperation && (key === 'op' || key === 'path'))) continue;
    // A PatchOp value is named by its path (or, path-less, by its own keys), not by its place in Operations.
    const name = isPatchOperation && key === 'value' ? (typeof body.path === 'string' ? body.path : '') : join(at, key);
    const found = unsendableAttribute(value, name);
    if (found) return found;
  }
  return undefined;
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}
