import { invalid } from './errors.js';

/**
 * String rules shared by the user and group validators. Lengths come from the Identity Store API, which backs
 * the same directory (IS = https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/);
 * lengths count Unicode code points.
 */

/** IS/API_CreateUser: userName pattern `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, so no whitespace or control characters. */
const USER_NAME_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
/**
 * UG/troubleshooting shows `[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+` for names. Control and format characters are
 * always rejected (vendor-reported: pmcc.net); tab, CR and LF fall to the forbidden-character switch instead.
 */
const NOT_TEXT = /[\p{C}\p{Zl}\p{Zp}]/u;
const LINE_CHARS = /[\t\r\n]/g;
const WHITESPACE = /[\s\p{Z}]/u;

export const MAX_USER_NAME = 128;
export const MAX_TEXT = 1024;
export const MAX_EXTERNAL_ID = 256;

/** IS/API_CreateUser: reserved for users and for groups. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['Administrator', 'AWSAdministrators']);

export interface TextRules {
  forbiddenCharacters: string;
}

export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n += 1;
  return n;
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(`${field}: must be a string`);
  if (value.length === 0) throw invalid(`${field}: empty string`);
  return value;
}

function hasForbidden(value: string, rules: TextRules): boolean {
  for (const ch of value) {
    if (rules.forbiddenCharacters.includes(ch)) return true;
  }
  return false;
}

/** displayName, name.*, titles, address parts, email and phone values: 1–1024 (service model SensitiveStringType). */
export function checkText(value: unknown, field: string, rules: TextRules): string {
  const text = requireString(value, field);
  if (codePointLength(text) > MAX_TEXT) throw invalid(`${field}: longer than ${MAX_TEXT}`);
  if (NOT_TEXT.test(text.replace(LINE_CHARS, ''))) throw invalid(`${field}: control or format character`);
  if (hasForbidden(text, rules)) throw invalid(`${field}: forbidden character (vendor-reported set)`);
  return text;
}

/**
 * URI-typed and id attributes (`profileUrl`, `manager.$ref`, member values): no whitespace. The
 * forbidden set applies to them as to every attribute (the AWS user guide names no exception), so an
 * absolute URL with `:` is refused.
 */
export function checkUri(value: unknown, field: string, rules: TextRules): string {
  const text = requireString(value, field);
  if (codePointLength(text) > MAX_TEXT) throw invalid(`${field}: longer than ${MAX_TEXT}`);
  if (NOT_TEXT.test(text) || WHITESPACE.test(text)) throw invalid(`${field}: whitespace or control character`);
  if (hasForbidden(text, rules)) throw invalid(`${field}: forbidden character`);
  return text;
}

export function checkUserName(value: unknown, rules: TextRules): string {
  const text = requireString(value, 'userName');
  if (codePointLength(text) > MAX_USER_NAME) throw invalid(`userName: longer than ${MAX_USER_NAME}`);
  if (!USER_NAME_PATTERN.test(text)) throw invalid('userName: whitespace or control character');
  if (hasForbidden(text, rules)) throw invalid('userName: forbidden character (vendor-reported set)');
  return text;
}

/**
 * Service model ExternalIdIdentifier: 1–256, no whitespace; and the forbidden set like every attribute:
 * AWS answered 400 to an externalId containing `:` and accepted it once the `:` was removed
 * (https://github.com/suvera/keycloak-scim2-storage/issues/3).
 */
export function checkExternalId(value: unknown, rules: TextRules): string {
  const text = requireString(value, 'externalId');
  if (codePointLength(text) > MAX_EXTERNAL_ID) throw invalid(`externalId: longer than ${MAX_EXTERNAL_ID}`);
  if (NOT_TEXT.test(text) || WHITESPACE.test(text)) throw invalid('externalId: whitespace or control character');
  if (hasForbidden(text, rules)) throw invalid('externalId: forbidden character');
  return text;
}

export function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`${field}: must be a boolean`);
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalid(`${field}: must be an object`);
  return value;
}

/** RFC 7643 §2.5: null is the same as unassigned, and Okta's KB advises null instead of "". */
export function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function rejectUnknownKeys(obj: Record<string, unknown>, allowed: ReadonlySet<string>, field: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) throw invalid(`${field}: unsupported attribute ${key}`);
  }
}
