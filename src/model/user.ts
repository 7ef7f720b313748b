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

export interface PersonName {
  givenName?: string;
  familyName?: string;
  middleName?: string;
  formatted?: string;
  honorificPrefix?: string;
  honorificSuffix?: string;
}

/** RFC 7643 §4.3 enterprise extension fields that IAM Identity Center stores. */
export interface EnterpriseInfo {
  employeeNumber?: string;
  costCenter?: string;
  organization?: string;
  division?: string;
  department?: string;
}

/** A person as the directory describes them, before any AWS constraint is applied. */
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
  emails: Email[];
  phoneNumbers: PhoneNumber[];
  addresses: Address[];
  enterprise: EnterpriseInfo;
  /** false for disabled, suspended or locked accounts: they stay in AWS with active=false. */
  active: boolean;
  /** When the source created the object (ISO 8601), if it says; only breaks ties between colliding objects. */
  createdAt?: string;
  provenance: Provenance;
}
