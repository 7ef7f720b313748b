/**
 * Identity of a directory object across runs.
 *
 * The AWS `externalId` is the only key we match on: a rename must be a PATCH on the same AWS id,
 * because a re-created object gets a new id and loses its permission-set assignments
 * (aws-scim.md, "Ids and renames"; UG/troubleshooting).
 */
export type SourceKind = 'file' | 'ldap' | 'entra' | 'okta';

/** `<sourceId>:<immutable source id>`, e.g. `corp-ldap:3f2a…` (entryUUID) or `corp-ad:be7d0244-…` (objectGUID). */
export type ExternalId = string & { readonly __brand: 'ExternalId' };

/** The id IAM Identity Center assigned to a user or group. */
export type ScimId = string & { readonly __brand: 'ScimId' };

export const EXTERNAL_ID_SEPARATOR = ':';

/** A source id names one configured source; it becomes the ownership namespace of everything it creates. */
export const SOURCE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,40}$/;

export function makeExternalId(sourceId: string, immutableId: string): ExternalId {
  if (!SOURCE_ID_PATTERN.test(sourceId)) throw new Error(`invalid source id "${sourceId}"`);
  if (immutableId.length === 0 || /\s/.test(immutableId)) {
    throw new Error(`source ${sourceId}: an immutable id must be non-empty and contain no whitespace`);
  }
  return `${sourceId}${EXTERNAL_ID_SEPARATOR}${immutableId}` as ExternalId;
}

/** The namespace prefix that marks an AWS object as created (owned) by the given source. */
export function ownershipPrefix(sourceId: string): string {
  return `${sourceId}${EXTERNAL_ID_SEPARATOR}`;
}

export function asScimId(id: string): ScimId {
  return id as ScimId;
}
