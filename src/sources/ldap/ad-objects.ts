import { firstString, values, type LdapEntry } from './entry.js';

/**
 * Active Directory's own objects and its implicit memberships.
 *
 * Built-in and critical system objects (Domain Admins, Schema Admins, Administrators, Guest, krbtgt,
 * the DC's account, …) are no one's AWS access: they are left out unless `includeSystemObjects` is set.
 * An object is one when AD marks it `isCriticalSystemObject: TRUE`
 * (https://learn.microsoft.com/en-us/windows/win32/adschema/a-iscriticalsystemobject), when its SID is
 * in the BUILTIN domain S-1-5-32, or when its domain-relative RID is below 1000: those RIDs are the
 * well-known accounts and groups ([MS-DTYP] 2.4.2.4 "Well-Known SID Structures"), and AD allocates
 * every object it creates later from 1000 up.
 *
 * Primary group: AD does not list a user in the `member` attribute of their primary group (Domain
 * Users, or any group set as `primaryGroupID`); the user names it by RID instead
 * (https://learn.microsoft.com/en-us/windows/win32/adschema/a-primarygroupid).
 * The reader resolves it from `primaryGroupID` plus the domain part of the user's own `objectSid`,
 * matched against each group's `objectSid`: two attributes every full read already has, no extra
 * search per user (the tokenGroups / LDAP_MATCHING_RULE_IN_CHAIN alternatives cost one per user or group).
 */

export interface SidParts {
  /** `S-1-5-21-…` without the RID. */
  domain: string;
  rid: number;
}

const BUILTIN_DOMAIN = 'S-1-5-32';
const FIRST_ALLOCATED_RID = 1000;

/** A binary SID ([MS-DTYP] 2.4.2.2: revision, sub-authority count, 48-bit big-endian authority, little-endian 32-bit sub-authorities). */
export function parseSid(value: string | Buffer | undefined): SidParts | undefined {
  if (!Buffer.isBuffer(value) || value.length < 8) return undefined;
  const count = value.readUInt8(1);
  if (value[0] !== 1 || count < 1 || value.length !== 8 + 4 * count) return undefined;
  const authority = value.readUIntBE(2, 6);
  const subs = Array.from({ length: count }, (_, i) => value.readUInt32LE(8 + 4 * i));
  const rid = subs.pop();
  if (rid === undefined) return undefined;
  return { domain: ['S', 1, authority, ...subs].join('-'), rid };
}

export function formatSid(parts: SidParts): string {
  return `${parts.domain}-${parts.rid}`;
}

export interface SystemObjectRule {
  criticalAttribute: string;
  sidAttribute: string;
}

export function isSystemObject(entry: LdapEntry, rule: SystemObjectRule): boolean {
  if (firstString(entry, rule.criticalAttribute)?.toUpperCase() === 'TRUE') return true;
  const sid = parseSid(values(entry, rule.sidAttribute)[0]);
  return sid !== undefined && (sid.domain === BUILTIN_DOMAIN || sid.rid < FIRST_ALLOCATED_RID);
}

export interface PrimaryGroupRule {
  /** On users: the RID of the primary group, in the user's own domain. */
  userAttribute: string;
  sidAttribute: string;
}

/** The full SID of the user's primary group, or undefined when the entry does not name one. */
export function primaryGroupSid(entry: LdapEntry, rule: PrimaryGroupRule): string | undefined {
  const rid = Number.parseInt(firstString(entry, rule.userAttribute) ?? '', 10);
  const own = parseSid(values(entry, rule.sidAttribute)[0]);
  if (!Number.isInteger(rid) || rid < 0 || own === undefined) return undefined;
  return formatSid({ domain: own.domain, rid });
}

/** The entry's own SID as text, for matching users' primary groups against groups. */
export function sidOf(entry: LdapEntry, sidAttribute: string): SidParts | undefined {
  return parseSid(values(entry, sidAttribute)[0]);
}
