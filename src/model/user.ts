import type { ExternalId } from './ids.js';
import type { Provenance } from './provenance.js';

export interface Email {
  value: string;
  type?: string;
  primary?: boolean;
}

export interface PhoneNumber {
  value: string;
  type?: string;
  primary?: boolean;
}

export interface Address {
  type?: string;
  streetAddress?: string;
  locality?: string;
  region?: string;
  postalCode?: string;
  country?: string;
  formatted?: string;
  primary?: boolean;
}

/** Every part of a person's name, in the order the planner compares them. */
export const PERSON_NAME_PARTS = [
  'givenName',
  'familyName',
  'middleName',
  'formatted',
  'honorificPrefix',
  'honorificSuffix',
] as const satisfies readonly (keyof PersonName)[];

export interface PersonName {
  givenName?: string;
  familyName?: string;
  middleName?: string;
  formatted?: string;
  honorificPrefix?: string;
  honorificSuffix?: string;
}

/** Every RFC 7643 §4.3 enterprise extension attribute IAM Identity Center stores (EnterpriseInfo's keys). */
export const ENTERPRISE_ATTRIBUTES = [
  'employeeNumber',
  'costCenter',
  'organization',
  'division',
  'department',
] as const satisfies readonly (keyof EnterpriseInfo)[];

export interface EnterpriseInfo {
  employeeNumber?: string;
  costCenter?: string;
  organization?: string;
  division?: string;
  department?: string;
}

/** The source's reference to a person's manager and, when the manager is one of the source's users, their externalId. */
export interface ManagerRef {
  ref: string;
  externalId?: ExternalId;
}

/** Something the attribute mapping had to leave out for one user (src/mapping); reported, never fatal. */
export interface MappingNote {
  field: string;
  reason: string;
}

/** A person as the directory describes them, before any AWS constraint is applied. */
/** The optional single-valued text attributes of a user (RFC 7643 §4.1.1), in the order they are compared and hashed. */
export const USER_TEXT_ATTRIBUTES = [
  'nickName',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
] as const satisfies readonly (keyof User)[];

export interface User {
  externalId: ExternalId;
  userName: string;
  displayName?: string;
  name: PersonName;
  nickName?: string;
  title?: string;
  userType?: string;
  preferredLanguage?: string;
  locale?: string;
  timezone?: string;
  /** Only set by a mapping; `null` is a mapped attribute without a value, absent means icsync leaves it alone. */
  profileUrl?: string | null;
  emails: Email[];
  phoneNumbers: PhoneNumber[];
  addresses: Address[];
  enterprise: EnterpriseInfo;
  /** As `profileUrl`: only a mapping of `enterprise.manager` sets it, so without one a manager set in AWS is kept. */
  manager?: ManagerRef | null;
  /** false for disabled, suspended or locked accounts: they stay in AWS with active=false. */
  active: boolean;
  /** When the source created the object (ISO 8601), if it says; only breaks ties between colliding objects. */
  createdAt?: string;
  provenance: Provenance;
  mappingNotes?: MappingNote[];
}
