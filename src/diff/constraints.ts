/**
 * IAM Identity Center limits the planner and the constraint engine must respect.
 * Each constant cites where the rule comes from (../shared/reference/aws-scim.md;
 * DG = SCIM Implementation Developer Guide, IS = Identity Store API Reference).
 */

/** DG/patchgroup: "at most 100 membership changes per request". Also DG/creategroup for inline members. */
export const MAX_MEMBER_CHANGES_PER_PATCH = 100;

/** DG/listusers, DG/listgroups: `count` is 1–100. */
export const MAX_PAGE_SIZE = 100;

/** IS/API_CreateUser: userName is 1–128 characters, pattern [\p{L}\p{M}\p{S}\p{N}\p{P}]+ (no whitespace). */
export const USERNAME_MAX_LENGTH = 128;
export const USERNAME_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;

/** Identity Store service model (SensitiveStringType): names, titles, email values are 1–1024 characters. */
export const STRING_MAX_LENGTH = 1024;

/** Identity Store service model (ExternalIdIdentifier): 1–256 characters, no whitespace. */
export const EXTERNAL_ID_MAX_LENGTH = 256;

/** IS/API_CreateUser: reserved names for users and groups. Compared case-insensitively to be safe. */
export const RESERVED_NAMES: readonly string[] = ['administrator', 'awsadministrators'];

/**
 * Vendor-reported (Microsoft's AWS provisioning tutorial, Okta KB), not in AWS docs: AWS rejects
 * `< > ; : %`, tab, LF and CR. Control characters are rejected with the generic 400 (pmcc.net).
 * We treat all of them as forbidden (aws-scim.md, "characters").
 */
export const FORBIDDEN_CHARACTERS = /[<>;:%\t\r\n\p{Cc}]/u;
export const FORBIDDEN_CHARACTERS_GLOBAL = /[<>;:%\t\r\n\p{Cc}]/gu;

/** Control Tower and AWS-managed groups start with this prefix; never touched (ssosync #88). */
export const AWS_MANAGED_GROUP_PREFIX = 'AWS';

/** Length in characters as AWS counts them (code points, not UTF-16 units). */
export function charLength(value: string): number {
  let n = 0;
  for (const _ of value) n += 1;
  return n;
}

export function isReservedName(name: string): boolean {
  return RESERVED_NAMES.includes(name.normalize('NFC').toLowerCase());
}
