import type { ExternalId, ScimId } from './ids.js';
import type { Address, EnterpriseInfo, Email, PersonName, PhoneNumber } from './user.js';

/**
 * A user in the shape IAM Identity Center stores: single-valued lists, the four required names,
 * no forbidden characters. The constraint engine produces these; the SCIM client reads and writes them.
 */
export interface AwsUserAttributes {
  userName: string;
  displayName: string;
  name: PersonName & { givenName: string; familyName: string };
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
  active: boolean;
}

export interface DesiredUser extends AwsUserAttributes {
  externalId: ExternalId;
}

/** A user as read back from the target. Hand-made users have no externalId. */
export interface TargetUser extends AwsUserAttributes {
  id: ScimId;
  externalId?: string;
}

export interface DesiredGroup {
  externalId: ExternalId;
  displayName: string;
  /** Transitive user members, after flattening nested groups. */
  members: ExternalId[];
}

export interface TargetGroup {
  id: ScimId;
  externalId?: string;
  displayName: string;
}
