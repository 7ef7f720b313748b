/**
 * IAM Identity Center limits the planner and the constraint engine must respect.
 * Each constant cites where the rule comes from: DG = SCIM Implementation Developer Guide
 * (https://docs.aws.amazon.com/singlesignon/latest/developerguide/), IS = Identity Store API Reference
 * (https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/); DG/x is x.html there.
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

export { EXTERNAL_ID_MAX_LENGTH } from '../model/ids.js';

/** IS/API_CreateUser: reserved names for users and groups. Compared case-insensitively to be safe. */
export const RESERVED_NAMES: readonly string[] = ['administrator', 'awsadministrators'];

/** `< > ; : %`, tab, LF, CR and control characters: one rule for every value sent, defined in the model. */
export { FORBIDDEN_CHARACTERS, FORBIDDEN_CHARACTERS_GLOBAL } from '../model/aws-characters.js';

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
