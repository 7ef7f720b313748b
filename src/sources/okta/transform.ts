import { makeExternalId, type ExternalId } from '../../model/ids.js';
import type { Group } from '../../model/group.js';
import type { Provenance } from '../../model/provenance.js';
import type { SkippedSourceEntry, Snapshot, UnresolvedMember } from '../../model/snapshot.js';
import type { Address, Email, PhoneNumber, User } from '../../model/user.js';
import type { OktaGroup, OktaUser } from './client.js';
import type { OktaAttributeMapping, OktaStatusPolicy } from './config.js';
import { applyUserMapping, mapGroupName } from '../../mapping/apply.js';
import type { CompiledMapping } from '../../mapping/config.js';
import { recordLookup } from '../../mapping/lookup.js';

/**
 * Pure mapping from Okta records to the model. Values are taken as Okta holds them; IAM Identity Center's
 * limits (one email, required names, forbidden characters) are applied later by the constraint engine.
 */

export interface TransformSpec {
  sourceId: string;
  statuses: OktaStatusPolicy;
  attributes: OktaAttributeMapping;
  /** The configured attribute mapping over the Okta profile (src/mapping); absent means the built-in one. */
  mapping?: CompiledMapping;
}

/** What became of one in-scope Okta user. */
export type UserEntry =
  | { kind: 'user'; user: User }
  /** Left out by the status policy (STAGED / PROVISIONED with `exclude`). */
  | { kind: 'excluded'; status: string }
  /** Could not become a user (no value for userName); reported, never created. */
  | { kind: 'skipped'; reason: string };

export type GroupEntry =
  | {
      kind: 'group';
      displayName: string;
      memberIds: string[];
      /** The group's lastMembershipUpdated when `memberIds` was read; a different value means re-list. */
      lastMembershipUpdated?: string;
    }
  | { kind: 'skipped'; reason: string };

/** The newest user `lastUpdated` (ISO 8601, Okta's clock) a round has seen; the next round searches from there. */
export interface Watermarks {
  lastUpdated?: string;
}

/** Everything one read round knows about the scope, keyed by Okta id. */
export interface Directory {
  users: Map<string, UserEntry>;
  groups: Map<string, GroupEntry>;
  watermarks: Watermarks;
}

/** Still employed: LOCKED_OUT, PASSWORD_EXPIRED and RECOVERY are sign-in states, not offboarding. */
const ACTIVE_STATUSES: ReadonlySet<string> = new Set(['ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT']);

/**
 * `active`, `inactive` (kept in AWS, deactivated, so access can come back without a new id) or `exclude`. SUSPENDED and
 * DEPROVISIONED are inactive; so is any status Okta may add later, since granting access needs a decision.
 */
export function statusOutcome(status: string | undefined, policy: OktaStatusPolicy): 'active' | 'inactive' | 'exclude' {
  if (status !== undefined && ACTIVE_STATUSES.has(status)) return 'active';
  if (status === 'STAGED') return policy.staged === 'exclude' ? 'exclude' : 'inactive';
  if (status === 'PROVISIONED') return policy.provisioned === 'exclude' ? 'exclude' : 'inactive';
  return 'inactive';
}

export function userEntry(okta: OktaUser & { id: string }, spec: TransformSpec): UserEntry {
  const outcome = statusOutcome(okta.status, spec.statuses);
  if (outcome === 'exclude') return { kind: 'excluded', status: okta.status ?? 'unknown' };
  const profile = okta.profile ?? {};
  // With appUserName the login only stands in until the round applies the app user's name (withAppUserName).
  const attribute = spec.attributes.userName === 'appUserName' ? 'login' : spec.attributes.userName;
  const userName = text(profile[attribute]);
  if (userName === undefined) return { kind: 'skipped', reason: `no profile.${attribute} to use as userName` };
  const user: User = {
    externalId: makeExternalId(spec.sourceId, okta.id),
    userName,
    displayName: text(profile.displayName),
    name: {
      givenName: text(profile.firstName),
      familyName: text(profile.lastName),
      middleName: text(profile.middleName),
      honorificPrefix: text(profile.honorificPrefix),
      honorificSuffix: text(profile.honorificSuffix),
    },
    nickName: text(profile.nickName),
    title: text(profile.title),
    userType: text(profile.userType),
    preferredLanguage: text(profile.preferredLanguage),
    locale: text(profile.locale),
    timezone: text(profile.timezone),
    emails: emails(text(profile[spec.attributes.email]), text(profile.secondEmail)),
    phoneNumbers: phoneNumbers(text(profile.primaryPhone), text(profile.mobilePhone)),
    addresses: addresses(profile),
    enterprise: {
      employeeNumber: text(profile.employeeNumber),
      costCenter: text(profile.costCenter),
      organization: text(profile.organization),
      division: text(profile.division),
      department: text(profile.department),
    },
    active: outcome === 'active',
    provenance: provenance(spec.sourceId, `/api/v1/users/${okta.id}`),
  };
  if (spec.mapping === undefined) return { kind: 'user', user };
  // Okta's `managerId` holds the manager's Okta user id, which is also what our externalId is made of.
  const resolveManager = (ref: string) => (OKTA_USER_ID.test(ref) ? makeExternalId(spec.sourceId, ref) : undefined);
  return applyUserMapping(user, spec.mapping, recordLookup(profile), resolveManager);
}

const OKTA_USER_ID = /^[A-Za-z0-9]{1,64}$/;

/** The entry with the AWS app user's `credentials.userName` as userName, or skipped when the app user has none. */
export function withAppUserName(entry: UserEntry, appUserName: unknown): UserEntry {
  if (entry.kind !== 'user') return entry;
  const userName = text(appUserName);
  if (userName === undefined)
    return {
      kind: 'skipped',
      reason: 'no AWS app user credentials.userName to use as userName (attributes.userName: appUserName)',
    };
  return { kind: 'user', user: { ...entry.user, userName } };
}

export function groupEntry(okta: OktaGroup, memberIds: string[], mapping?: CompiledMapping): GroupEntry {
  const builtIn = text(okta.profile?.name);
  const displayName = mapping === undefined ? builtIn : mapGroupName(builtIn, mapping, recordLookup(okta.profile));
  if (displayName === undefined)
    return {
      kind: 'skipped',
      reason: `no ${mapping?.group.displayName === undefined ? 'profile.name' : 'mapping.group.displayName value'} to use as displayName`,
    };
  const stamp = isoTime(okta.lastMembershipUpdated);
  return { kind: 'group', displayName, memberIds, ...(stamp === undefined ? {} : { lastMembershipUpdated: stamp }) };
}

/** An Okta timestamp (a Date from the SDK's models, a string from `_embedded` objects) as ISO 8601. */
export function isoTime(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * The snapshot of a complete round. Members resolve against the round's users; a member that is not a
 * synced user (excluded by status, skipped) is kept out of the group and reported.
 */
export function toSnapshot(directory: Directory, spec: TransformSpec, readAt: string): Snapshot {
  const users: User[] = [];
  const skipped: SkippedSourceEntry[] = [];
  for (const [id, entry] of directory.users) {
    if (entry.kind === 'user') users.push(entry.user);
    if (entry.kind === 'skipped') skipped.push({ object: 'user', ref: `/api/v1/users/${id}`, reason: entry.reason });
  }
  const groups: Group[] = [];
  const unresolvedMembers: UnresolvedMember[] = [];
  for (const [id, entry] of directory.groups) {
    if (entry.kind === 'skipped') {
      skipped.push({ object: 'group', ref: `/api/v1/groups/${id}`, reason: entry.reason });
      continue;
    }
    const externalId = makeExternalId(spec.sourceId, id);
    const members = new Set<ExternalId>();
    for (const memberId of entry.memberIds) {
      const member = directory.users.get(memberId);
      if (member?.kind === 'user') members.add(member.user.externalId);
      else unresolvedMembers.push({ group: externalId, member: memberId, reason: unresolvedReason(member) });
    }
    groups.push({
      externalId,
      displayName: entry.displayName,
      memberUsers: [...members],
      memberGroups: [],
      provenance: provenance(spec.sourceId, `/api/v1/groups/${id}`),
    });
  }
  return { sourceId: spec.sourceId, sourceKind: 'okta', users, groups, readAt, unresolvedMembers, skipped };
}

function unresolvedReason(member: UserEntry | undefined): string {
  switch (member?.kind) {
    case 'excluded':
      return `user status ${member.status} is excluded (statuses.${member.status.toLowerCase()})`;
    case 'skipped':
      return `user skipped: ${member.reason}`;
    default:
      return 'user not found in Okta';
  }
}

/** The configured email attribute is the primary work address; secondEmail, when different, an extra one. */
function emails(primary: string | undefined, second: string | undefined): Email[] {
  const list: Email[] = [];
  if (primary !== undefined) list.push({ value: primary, type: 'work', primary: true });
  if (second !== undefined && second.toLowerCase() !== primary?.toLowerCase())
    list.push({ value: second, type: 'other', primary: list.length === 0 });
  return list;
}

function phoneNumbers(primaryPhone: string | undefined, mobilePhone: string | undefined): PhoneNumber[] {
  const list: PhoneNumber[] = [];
  if (primaryPhone !== undefined) list.push({ value: primaryPhone, type: 'work', primary: true });
  if (mobilePhone !== undefined && mobilePhone !== primaryPhone)
    list.push({ value: mobilePhone, type: 'mobile', primary: list.length === 0 });
  return list;
}

/** Okta's base profile holds one postal address in flat attributes (Okta: "Default profile properties"). */
function addresses(profile: { [attribute: string]: unknown }): Address[] {
  const address: Address = {
    type: 'work',
    streetAddress: text(profile.streetAddress),
    locality: text(profile.city),
    region: text(profile.state),
    postalCode: text(profile.zipCode),
    country: text(profile.countryCode),
    primary: true,
  };
  const present = [address.streetAddress, address.locality, address.region, address.postalCode, address.country].some(
    (v) => v !== undefined,
  );
  return present ? [address] : [];
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function provenance(sourceId: string, ref: string): Provenance {
  return { sourceKind: 'okta', sourceId, ref };
}
