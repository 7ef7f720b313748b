import { FORBIDDEN_CHARACTERS_TEXT, hasForbiddenCharacter } from './aws-characters.js';

/**
 * Identity of a directory object across runs.
 *
 * The AWS `externalId` is the only key we match on: a rename must be a PATCH on the same AWS id,
 * because a re-created object gets a new id and loses its permission-set assignments
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/provision-automatically.html).
 */
export type SourceKind = 'file' | 'ldap' | 'entra' | 'okta';

/** `<sourceId>/<immutable source id>`, e.g. `corp-ldap/3f2a…` (entryUUID) or `corp-ad/be7d0244-…` (objectGUID). */
export type ExternalId = string & { readonly __brand: 'ExternalId' };

/** The id IAM Identity Center assigned to a user or group. */
export type ScimId = string & { readonly __brand: 'ScimId' };

/**
 * `/` separates the source id from the immutable id. It is in none of the forbidden lists (AWS user
 * guide, Microsoft's and Okta's AWS notes), it is a punctuation character the Identity Store
 * `ExternalId` pattern `[\p{L}\p{M}\p{S}\p{N}\p{P}]+` allows, and no source id contains it
 * (SOURCE_ID_PATTERN), so the prefix `<sourceId>/` names exactly one source.
 */
export const EXTERNAL_ID_SEPARATOR = '/';

/**
 * Earlier icsync versions wrote `<sourceId>:<id>`, which AWS rejects on create (`:` is forbidden).
 * Objects that carry it are still ours; a run moves them to the current form by PATCH.
 */
export const LEGACY_EXTERNAL_ID_SEPARATOR = ':';

/** A source id names one configured source; it becomes the ownership namespace of everything it creates. */
export const SOURCE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,40}$/;

/** Identity Store service model `ExternalIdIdentifier`: 1–256 characters. */
export const EXTERNAL_ID_MAX_LENGTH = 256;

/**
 * Builds the externalId. Only a bad source id (a configuration bug) throws: an immutable id that
 * cannot be represented yields an externalId that `externalIdProblem` reports, so the planner skips
 * that one object instead of failing the whole read, and the id is never rewritten.
 */
export function makeExternalId(sourceId: string, immutableId: string): ExternalId {
  if (!SOURCE_ID_PATTERN.test(sourceId)) throw new Error(`invalid source id "${sourceId}"`);
  if (immutableId.length === 0) throw new Error(`source ${sourceId}: an immutable id must be non-empty`);
  return `${sourceId}${EXTERNAL_ID_SEPARATOR}${immutableId}` as ExternalId;
}

/** Why AWS would refuse this externalId, or undefined when it can be sent as it is. */
export function externalIdProblem(externalId: string): string | undefined {
  if (Array.from(externalId).length > EXTERNAL_ID_MAX_LENGTH)
    return `externalId is longer than ${EXTERNAL_ID_MAX_LENGTH} characters`;
  if (/\s/u.test(externalId)) return 'the immutable id contains whitespace';
  if (hasForbiddenCharacter(externalId))
    return `the immutable id contains a character AWS rejects (${FORBIDDEN_CHARACTERS_TEXT})`;
  return undefined;
}

/** The namespace prefix that marks an AWS object as created (owned) by the given source. */
export function ownershipPrefix(sourceId: string): string {
  return `${sourceId}${EXTERNAL_ID_SEPARATOR}`;
}

/**
 * The current externalId of an object an earlier icsync version created as `<sourceId>:<id>` for
 * one of these sources, or undefined when it is not in that legacy form.
 */
export function fromLegacyExternalId(externalId: string, sourceIds: readonly string[]): ExternalId | undefined {
  for (const sourceId of sourceIds) {
    const prefix = `${sourceId}${LEGACY_EXTERNAL_ID_SEPARATOR}`;
    if (externalId.startsWith(prefix) && externalId.length > prefix.length)
      return makeExternalId(sourceId, externalId.slice(prefix.length));
  }
  return undefined;
}

/** The legacy `<sourceId>:<id>` spelling of a current externalId, for looking up objects not yet migrated. */
export function legacyExternalIdOf(externalId: string): string {
  const at = externalId.indexOf(EXTERNAL_ID_SEPARATOR);
  return at < 0 ? externalId : `${externalId.slice(0, at)}${LEGACY_EXTERNAL_ID_SEPARATOR}${externalId.slice(at + 1)}`;
}

export function asScimId(id: string): ScimId {
  return id as ScimId;
}

/** The source id and the immutable source id an externalId of ours is made of (`makeExternalId` reversed). */
export function splitExternalId(externalId: string): { sourceId: string; immutableId: string } {
  const at = externalId.indexOf(EXTERNAL_ID_SEPARATOR);
  return { sourceId: externalId.slice(0, at), immutableId: externalId.slice(at + 1) };
}
