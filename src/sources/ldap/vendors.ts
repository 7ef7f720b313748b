import type { PrimaryGroupRule, SystemObjectRule } from './ad-objects.js';
import { firstString, strings, type AttributeValue, type LdapEntry } from './entry.js';

/** Attribute names a user entry is read through; each can be overridden under `attributes` in config.ts. */
export interface UserAttributeNames {
  userName: string;
  displayName: string;
  commonName: string;
  givenName: string;
  familyName: string;
  email: string;
  phoneNumber: string;
  title: string;
  department: string;
  employeeNumber: string;
  posixUid: string;
}

/** How a directory marks an account as disabled. Evaluated by `isDisabled` in transform.ts. */
export type DisabledRule =
  /** Disabled when `(value & mask) !== 0`, value parsed as a decimal integer. */
  | { kind: 'flag'; attribute: string; mask: number }
  /** Disabled when the attribute has any value. */
  | { kind: 'present'; attribute: string };

/** Attributes listing a group's direct members, by value syntax. */
export interface MemberAttributes {
  /** DN syntax (RFC 4519 `member`). */
  dn: readonly string[];
  /** NameAndOptionalUID syntax, `<dn>[#'<bits>'B]` (RFC 4517 §3.3.21, RFC 4519 `uniqueMember`). */
  dnWithOptionalUid: readonly string[];
  /** Bare uid strings (RFC 2307 `memberUid`), resolved through `UserAttributeNames.posixUid`. */
  uid: readonly string[];
}

/**
 * Everything that differs between directory products, as data: shared code
 * reads these fields and never asks which vendor it is talking to.
 */
export interface LdapVendor {
  readonly name: 'openldap' | 'activedirectory';
  /** Attribute holding the immutable id; it must survive renames and moves. */
  readonly idAttribute: string;
  /** Attributes ldapts must hand back as Buffers (its `explicitBufferAttributes` search option). */
  readonly binaryAttributes: readonly string[];
  /** Canonical string form of an id value, or undefined when the value is not a well-formed id. */
  decodeId: (value: AttributeValue) => string | undefined;
  /** The assertion value that finds an entry by its canonical id, or undefined when `id` cannot be one. */
  encodeId(id: string): AttributeValue | undefined;
  readonly userFilter: string;
  readonly groupFilter: string;
  readonly userAttributes: UserAttributeNames;
  readonly groupNameAttribute: string;
  readonly memberAttributes: MemberAttributes;
  readonly disabled: DisabledRule;
  /** Attribute with the entry's creation time (GeneralizedTime); it ranks colliding objects (diff/collisions.ts). */
  readonly createdAttribute: string;
  /** How the directory's own built-in objects are recognized; left out by default (ad-objects.ts). */
  readonly systemObjects?: SystemObjectRule;
  /** Membership the `member` attribute does not list: the primary group (ad-objects.ts). */
  readonly primaryGroup?: PrimaryGroupRule;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * OpenLDAP (and other RFC 4530 servers). `entryUUID` is operational, so it is requested by name.
 * Disabled: `pwdAccountLockedTime` (slapo-ppolicy) present means locked. That includes temporary lockouts
 * after failed binds until ppolicy clears the attribute, and an account administratively locked with the
 * value `000001010000Z`. Directories without ppolicy never set it, so their users are always active.
 */
export const openLdapVendor: LdapVendor = {
  name: 'openldap',
  idAttribute: 'entryUUID',
  binaryAttributes: [],
  decodeId: (value) => {
    const id = typeof value === 'string' ? value.trim() : undefined;
    return id !== undefined && UUID.test(id) ? id : undefined;
  },
  // Passed through unvalidated: the server applies UUID syntax to the assertion and matches nothing on garbage.
  encodeId: (id) => id,
  userFilter: '(objectClass=inetOrgPerson)',
  // `group` too: AD-style entries (a Samba or AD DC read with `vendor: openldap`, AD-schema overlays) carry `member`.
  groupFilter:
    '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup)(objectClass=group))',
  userAttributes: {
    userName: 'uid',
    displayName: 'displayName',
    commonName: 'cn',
    givenName: 'givenName',
    familyName: 'sn',
    email: 'mail',
    phoneNumber: 'telephoneNumber',
    title: 'title',
    department: 'departmentNumber',
    employeeNumber: 'employeeNumber',
    posixUid: 'uid',
  },
  groupNameAttribute: 'cn',
  memberAttributes: { dn: ['member'], dnWithOptionalUid: ['uniqueMember'], uid: ['memberUid'] },
  disabled: { kind: 'present', attribute: 'pwdAccountLockedTime' },
  // Operational (RFC 4512 §3.4), so requested by name.
  createdAttribute: 'createTimestamp',
};

/**
 * Active Directory. `objectGUID` is 16 raw bytes. Disabled: userAccountControl bit
 * ACCOUNTDISABLE 0x2 (MS-ADTS 2.2.16). employeeID rather than employeeNumber because it is the one HR feeds
 * usually populate and the one Entra Connect synchronises.
 */
export const activeDirectoryVendor: LdapVendor = {
  name: 'activedirectory',
  idAttribute: 'objectGUID',
  binaryAttributes: ['objectGUID', 'objectSid'],
  decodeId: (value) => (Buffer.isBuffer(value) && value.length === 16 ? formatGuid(value) : undefined),
  encodeId: (id) => parseGuid(id),
  userFilter: '(&(objectCategory=person)(objectClass=user))',
  groupFilter: '(objectClass=group)',
  userAttributes: {
    userName: 'userPrincipalName',
    displayName: 'displayName',
    commonName: 'cn',
    givenName: 'givenName',
    familyName: 'sn',
    email: 'mail',
    phoneNumber: 'telephoneNumber',
    title: 'title',
    department: 'department',
    employeeNumber: 'employeeID',
    posixUid: 'uid',
  },
  groupNameAttribute: 'cn',
  memberAttributes: { dn: ['member'], dnWithOptionalUid: [], uid: [] },
  disabled: { kind: 'flag', attribute: 'userAccountControl', mask: 0x2 },
  createdAttribute: 'whenCreated',
  systemObjects: { criticalAttribute: 'isCriticalSystemObject', sidAttribute: 'objectSid' },
  primaryGroup: { userAttribute: 'primaryGroupID', sidAttribute: 'objectSid' },
};

export const LDAP_VENDORS = { openldap: openLdapVendor, activedirectory: activeDirectoryVendor } as const;

/** RootDSE attributes that tell AD apart (MS-ADTS 3.1.1.3.2). */
export const ROOT_DSE_ATTRIBUTES: readonly string[] = [
  'forestFunctionality',
  'isGlobalCatalogReady',
  'supportedCapabilities',
];

/** LDAP_CAP_ACTIVE_DIRECTORY_OID, advertised in supportedCapabilities by AD DS (MS-ADTS 3.1.1.3.4.3). */
const AD_CAPABILITY_OID = '1.2.840.113556.1.4.800';

/** Picks the vendor from a RootDSE read; anything that does not look like AD is treated as OpenLDAP. */
export function detectVendor(rootDse: LdapEntry | undefined): LdapVendor {
  if (rootDse === undefined) return openLdapVendor;
  const looksLikeAd =
    firstString(rootDse, 'forestFunctionality') !== undefined ||
    firstString(rootDse, 'isGlobalCatalogReady') !== undefined ||
    strings(rootDse, 'supportedCapabilities').includes(AD_CAPABILITY_OID);
  return looksLikeAd ? activeDirectoryVendor : openLdapVendor;
}

/**
 * The canonical GUID string of 16 `objectGUID` bytes: the first three fields are little-endian on the
 * wire (MS-DTYP 2.3.4.2), so bytes 0–3, 4–5 and 6–7 are reversed; bytes 8–15 are kept in order.
 */
export function formatGuid(bytes: Buffer): string {
  if (bytes.length !== 16) throw new RangeError(`objectGUID must be 16 bytes, got ${bytes.length}`);
  const hex = (from: number, to: number, reverse: boolean): string => {
    const part = [...bytes.subarray(from, to)];
    return (reverse ? part.reverse() : part).map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}

/** Inverse of `formatGuid`; undefined unless `id` is a well-formed GUID string. */
export function parseGuid(id: string): Buffer | undefined {
  if (!UUID.test(id)) return undefined;
  const hex = id.replaceAll('-', '');
  const bytes = Buffer.from(hex, 'hex');
  const swap = (from: number, to: number): void => {
    bytes.subarray(from, to).reverse();
  };
  swap(0, 4);
  swap(4, 6);
  swap(6, 8);
  return bytes;
}
