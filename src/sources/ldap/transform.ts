import { makeExternalId, type ExternalId } from '../../model/ids.js';
import type { Provenance } from '../../model/provenance.js';
import type { Email, PhoneNumber, User } from '../../model/user.js';
import { isSystemObject, primaryGroupSid, sidOf, formatSid } from './ad-objects.js';
import { stripOptionalUid } from './dn.js';
import { firstString, strings, values, type LdapEntry } from './entry.js';
import type { LdapReadSpec } from './spec.js';
import type { DisabledRule } from './vendors.js';
import { applyUserMapping, mapGroupName } from '../../mapping/apply.js';
import type { AttributeLookup } from '../../mapping/evaluate.js';

/**
 * Pure mapping from directory entries to the model. Values are taken as the directory holds them:
 * IAM Identity Center's limits (single email, required names, forbidden characters) are applied
 * later by the constraint engine, not here.
 */

export interface UserRecord {
  kind: 'user';
  user: User;
  dn: string;
  /** Values of the posix uid attribute, which RFC 2307 `memberUid` refers to. */
  uids: string[];
  /** SID of the user's primary group, which lists the user nowhere (ad-objects.ts). */
  primaryGroupSid?: string;
  /** A built-in or critical system object of the directory (ad-objects.ts). */
  system: boolean;
}

export interface GroupRecord {
  kind: 'group';
  externalId: ExternalId;
  displayName: string;
  dn: string;
  /** Direct member DNs from DN-valued member attributes, as written (uniqueMember uid suffix removed). */
  memberDns: string[];
  /** Direct members named by bare uid (posixGroup). */
  memberUids: string[];
  /** The group's own SID, which users name as their primary group. */
  sid?: string;
  system: boolean;
  createdAt?: string;
  provenance: Provenance;
}

/** An entry that cannot become a model object; reported, never created. */
export interface SkippedEntry {
  kind: 'skipped';
  dn: string;
  reason: string;
  /** Set when the entry has an immutable id but cannot become an object. */
  externalId?: ExternalId;
}

export function transformUser(entry: LdapEntry, spec: LdapReadSpec): UserRecord | SkippedEntry {
  const externalId = entryExternalId(entry, spec);
  if (typeof externalId !== 'string') return externalId;
  const names = spec.userAttributes;
  const userName = firstString(entry, names.userName);
  if (userName === undefined) return { ...skipped(entry, `no ${names.userName} value to use as userName`), externalId };
  const user: User = {
    externalId,
    userName,
    displayName: firstString(entry, names.displayName) ?? firstString(entry, names.commonName),
    name: { givenName: firstString(entry, names.givenName), familyName: firstString(entry, names.familyName) },
    title: firstString(entry, names.title),
    emails: workList(strings(entry, names.email)),
    phoneNumbers: workList(strings(entry, names.phoneNumber)),
    addresses: [],
    enterprise: {
      employeeNumber: firstString(entry, names.employeeNumber),
      department: firstString(entry, names.department),
    },
    active: !isDisabled(entry, spec.vendor.disabled),
    ...createdAt(entry, spec),
    provenance: provenance(entry, spec),
  };
  // A manager DN is resolved once every user was read (read.ts: resolveManagerDns).
  const mapped = applyUserMapping(user, spec.mapping, entryLookup(entry), () => undefined);
  if (mapped.kind === 'skipped') return { ...skipped(entry, mapped.reason), externalId };
  const primary = spec.vendor.primaryGroup === undefined ? undefined : primaryGroupSid(entry, spec.vendor.primaryGroup);
  return {
    kind: 'user',
    user: mapped.user,
    dn: entry.dn,
    uids: strings(entry, names.posixUid),
    ...(primary === undefined ? {} : { primaryGroupSid: primary }),
    system: systemObject(entry, spec),
  };
}

export function transformGroup(entry: LdapEntry, spec: LdapReadSpec): GroupRecord | SkippedEntry {
  const externalId = entryExternalId(entry, spec);
  if (typeof externalId !== 'string') return externalId;
  const displayName = mapGroupName(firstString(entry, spec.groupNameAttribute), spec.mapping, entryLookup(entry));
  if (displayName === undefined) {
    const source = spec.mapping.group.displayName === undefined ? spec.groupNameAttribute : 'mapping.group.displayName';
    return { ...skipped(entry, `no ${source} value to use as displayName`), externalId };
  }
  const { dn, dnWithOptionalUid, uid } = spec.vendor.memberAttributes;
  const sid = spec.vendor.primaryGroup === undefined ? undefined : sidOf(entry, spec.vendor.primaryGroup.sidAttribute);
  return {
    kind: 'group',
    externalId,
    displayName,
    dn: entry.dn,
    memberDns: [
      ...dn.flatMap((attribute) => strings(entry, attribute)),
      ...dnWithOptionalUid.flatMap((attribute) => strings(entry, attribute).map(stripOptionalUid)),
    ],
    memberUids: uid.flatMap((attribute) => strings(entry, attribute)),
    ...(sid === undefined ? {} : { sid: formatSid(sid) }),
    system: systemObject(entry, spec),
    ...createdAt(entry, spec),
    provenance: provenance(entry, spec),
  };
}

/** Mappings read attributes by name, case-insensitively as LDAP compares attribute descriptions. */
function entryLookup(entry: LdapEntry): AttributeLookup {
  return (name) => strings(entry, name).flatMap((v) => (v.trim() === '' ? [] : [v.trim()]));
}

function systemObject(entry: LdapEntry, spec: LdapReadSpec): boolean {
  return spec.vendor.systemObjects !== undefined && isSystemObject(entry, spec.vendor.systemObjects);
}

/** `createdAt` from a GeneralizedTime (RFC 4517 §3.3.13: `YYYYMMDDHHMMSS[.fraction](Z|±HHMM)`), when the entry has a valid one. */
function createdAt(entry: LdapEntry, spec: LdapReadSpec): { createdAt?: string } {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d+))?(Z|[+-]\d{4})$/.exec(
    firstString(entry, spec.vendor.createdAttribute) ?? '',
  );
  if (match === null) return {};
  const [, y, mo, d, h, mi, sec, fraction = '0', zone = 'Z'] = match;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const time = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}.${fraction.padEnd(3, '0').slice(0, 3)}${offset}`);
  return Number.isNaN(time) ? {} : { createdAt: new Date(time).toISOString() };
}

/** The entry's externalId, or why it has none. */
export function entryExternalId(entry: LdapEntry, spec: LdapReadSpec): ExternalId | SkippedEntry {
  const { idAttribute, decodeId } = spec.vendor;
  const raw = values(entry, idAttribute)[0];
  if (raw === undefined) return skipped(entry, `no ${idAttribute}`);
  const id = decodeId(raw);
  if (id === undefined) return skipped(entry, `malformed ${idAttribute}`);
  return makeExternalId(spec.sourceId, id);
}

export function isDisabled(entry: LdapEntry, rule: DisabledRule): boolean {
  const value = firstString(entry, rule.attribute);
  if (value === undefined) return false;
  if (rule.kind === 'present') return true;
  const flags = Number.parseInt(value, 10);
  return Number.isInteger(flags) && (flags & rule.mask) !== 0;
}

/** Directory mail and phone values carry no type; a corporate directory's are work contacts. The first is primary. */
function workList(list: string[]): (Email & PhoneNumber)[] {
  return list.map((value, index) => ({ value, type: 'work', primary: index === 0 }));
}

function provenance(entry: LdapEntry, spec: LdapReadSpec): Provenance {
  return { sourceKind: 'ldap', sourceId: spec.sourceId, ref: entry.dn };
}

function skipped(entry: LdapEntry, reason: string): SkippedEntry {
  return { kind: 'skipped', dn: entry.dn, reason };
}
