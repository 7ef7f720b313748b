/**
 * The enterprise User extension's schema URN (RFC 7643 §4.3); AWS attribute paths of the extension
 * (department, costCenter, …) are prefixed with it.
 */
export const SCHEMA_ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

import type { ExternalId, ScimId } from './ids.js';
import type { PersonName, User } from './user.js';

/**
 * A user in the shape IAM Identity Center stores: single-valued lists, the four required names,
 * no forbidden characters. The constraint engine produces these; the SCIM client reads and writes them.
 */
export interface AwsUserAttributes extends Omit<
  User,
  'externalId' | 'provenance' | 'displayName' | 'name' | 'manager' | 'mappingNotes'
> {
  displayName: string;
  name: PersonName & { givenName: string; familyName: string };
}

export interface DesiredUser extends AwsUserAttributes {
  externalId: ExternalId;
  /**
   * The manager's externalId when `enterprise.manager` is mapped and the manager is a synced user; `null` when it is
   * mapped and empty. The planner turns it into the manager's AWS user id (enterprise `manager.value`).
   */
  manager?: ExternalId | null;
}

/** A user as read back from the target. Hand-made users have no externalId. */
export interface TargetUser extends AwsUserAttributes {
  id: ScimId;
  externalId?: string;
  /** Set when AWS holds our object under the legacy `<sourceId>:<id>` form; `externalId` is then the current form. */
  legacyExternalId?: string;
  /** Set when a migration takeover claims an object another provisioner created; `externalId` is then ours. */
  takeover?: ForeignClaim;
  /** The enterprise extension's `manager.value`: the AWS id of the user's manager. */
  managerId?: string;
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
  /** As on TargetUser. */
  legacyExternalId?: string;
  /** As on TargetUser. */
  takeover?: ForeignClaim;
  displayName: string;
}

/**
 * How a source recognizes objects another provisioner (Entra's or Okta's AWS app) created: by a foreign
 * externalId equal to the source's immutable id, and with `externalId+name` also by an equal
 * userName (users) or displayName (groups).
 */
export type TakeoverMatch = 'externalId' | 'externalId+name';

/** A takeover's record on the claimed object: the foreign externalId it carries in AWS, and how it matched. */
export interface ForeignClaim {
  from: string;
  match: TakeoverMatch;
}

/** An AWS object that carries one of our externalIds (so it is ours to change). */
export type Owned<T extends { externalId?: string | undefined }> = T & { externalId: string };

/** Whether an externalId is one of ours; a type guard, so owned objects need no assertion. */
export type OwnershipTest = (externalId: string | undefined) => externalId is string;

/** The objects an ownership test claims, typed as owned. */
export function ownedOnly<T extends { externalId?: string | undefined }>(
  objects: readonly T[],
  isOwned: OwnershipTest,
): Owned<T>[] {
  return objects.filter((o): o is Owned<T> => isOwned(o.externalId));
}
