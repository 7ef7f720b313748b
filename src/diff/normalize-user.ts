import type { DesiredUser } from '../model/aws.js';
import type { Address, Email, PhoneNumber, User } from '../model/user.js';
import { externalIdProblem } from '../model/ids.js';
import {
  charLength,
  FORBIDDEN_CHARACTERS,
  isReservedName,
  STRING_MAX_LENGTH,
  USERNAME_MAX_LENGTH,
  USERNAME_PATTERN,
} from './constraints.js';
import type { Finding } from './findings.js';
import { nfc, sanitizeText } from './sanitize.js';

/**
 * How to fill the four names AWS requires (DG/createuser: userName, displayName, name.givenName,
 * name.familyName) when the source lacks some:
 *  - `derive`: displayName ← "given family"; given/family ← displayName split at the first space
 *    (a one-word displayName fills both); as a last resort the userName's local part is the displayName.
 *  - `skip`: the user is skipped and reported.
 */
export type NameFallback = 'derive' | 'skip';

export interface NormalizeResult {
  user?: DesiredUser;
  findings: Finding[];
}

export function normalizeUser(source: User, fallback: NameFallback): NormalizeResult {
  const findings: Finding[] = [];
  const ext = source.externalId;
  const skip = (field: string, reason: string): NormalizeResult => ({
    findings: [...findings, { object: 'user', externalId: ext, action: 'skipped', field, reason }],
  });
  const identifierProblem = checkIdentifiers(source);
  if (identifierProblem) return skip(identifierProblem.field, identifierProblem.reason);

  const text = (field: string, value: string | undefined): string | undefined => {
    const s = sanitizeText(value);
    if (s.changed && s.reason)
      findings.push({ object: 'user', externalId: ext, action: 'altered', field, reason: s.reason });
    return s.value;
  };
  const derived = (field: string, from: string): void => {
    findings.push({
      object: 'user',
      externalId: ext,
      action: 'altered',
      field,
      reason: `missing in the source; derived from ${from} (nameFallback: derive)`,
    });
  };
  for (const note of source.mappingNotes ?? [])
    findings.push({ object: 'user', externalId: ext, action: 'altered', field: note.field, reason: note.reason });
  const names = requiredNames(source, text, fallback, derived);
  if ('missing' in names)
    return skip(names.missing, `${names.missing} is missing and the name fallback is "${fallback}"`);

  const emails = pickSingle(source.emails, 'emails', ext, findings).flatMap((e) => validEmail(e, ext, findings));
  const user: DesiredUser = {
    externalId: ext,
    userName: source.userName.normalize('NFC'),
    displayName: names.displayName,
    name: {
      givenName: names.givenName,
      familyName: names.familyName,
      middleName: text('name.middleName', source.name.middleName),
      formatted: text('name.formatted', source.name.formatted),
      honorificPrefix: text('name.honorificPrefix', source.name.honorificPrefix),
      honorificSuffix: text('name.honorificSuffix', source.name.honorificSuffix),
    },
    nickName: text('nickName', source.nickName),
    title: text('title', source.title),
    userType: text('userType', source.userType),
    preferredLanguage: text('preferredLanguage', source.preferredLanguage),
    locale: text('locale', source.locale),
    timezone: text('timezone', source.timezone),
    emails: emails.map((e) => ({ value: e.value, type: e.type ?? 'work', primary: true })),
    phoneNumbers: pickSingle(source.phoneNumbers, 'phoneNumbers', ext, findings).flatMap((p) => cleanPhone(p, text)),
    addresses: pickSingle(source.addresses, 'addresses', ext, findings).map((a) => cleanAddress(a, text)),
    enterprise: {
      employeeNumber: text('enterprise.employeeNumber', source.enterprise.employeeNumber),
      costCenter: text('enterprise.costCenter', source.enterprise.costCenter),
      organization: text('enterprise.organization', source.enterprise.organization),
      division: text('enterprise.division', source.enterprise.division),
      department: text('enterprise.department', source.enterprise.department),
    },
    active: source.active,
  };
  if (source.profileUrl !== undefined) user.profileUrl = validUri(source.profileUrl, ext, findings);
  // Resolved to a synced user by buildDesiredState, which knows who is kept; null clears the manager.
  if (source.manager === null) user.manager = null;
  return { user: dropUndefined(user), findings };
}

function checkIdentifiers(u: User): { field: string; reason: string } | undefined {
  const userName = u.userName.normalize('NFC');
  if (userName === '') return { field: 'userName', reason: 'userName is empty' };
  if (charLength(userName) > USERNAME_MAX_LENGTH) {
    return { field: 'userName', reason: `userName is longer than ${USERNAME_MAX_LENGTH} characters` };
  }
  if (FORBIDDEN_CHARACTERS.test(userName)) {
    return {
      field: 'userName',
      reason:
        'userName contains a character AWS rejects (< > ; : % tab CR LF control); identifiers are never rewritten',
    };
  }
  if (!USERNAME_PATTERN.test(userName))
    return { field: 'userName', reason: 'userName contains whitespace or an invalid character' };
  if (isReservedName(userName)) return { field: 'userName', reason: `"${userName}" is a name reserved by AWS` };
  const externalId = externalIdProblem(u.externalId);
  if (externalId) return { field: 'externalId', reason: `${externalId}; identifiers are never rewritten` };
  return undefined;
}

type TextFn = (field: string, value: string | undefined) => string | undefined;

function requiredNames(
  u: User,
  text: TextFn,
  fallback: NameFallback,
  derived: (field: string, from: string) => void,
): { displayName: string; givenName: string; familyName: string } | { missing: string } {
  let givenName = text('name.givenName', u.name.givenName);
  let familyName = text('name.familyName', u.name.familyName);
  let displayName = text('displayName', u.displayName);
  if (fallback === 'skip') {
    if (!displayName) return { missing: 'displayName' };
    if (!givenName) return { missing: 'name.givenName' };
    if (!familyName) return { missing: 'name.familyName' };
    return { displayName, givenName, familyName };
  }
  if (!displayName) {
    displayName = [givenName, familyName].filter(Boolean).join(' ') || sanitizeText(u.userName.split('@')[0]).value;
    if (displayName) derived('displayName', givenName || familyName ? 'given and family names' : 'userName');
  }
  if (!displayName) return { missing: 'displayName' };
  const [first, ...rest] = displayName.split(' ');
  if (!givenName) {
    givenName = first;
    derived('name.givenName', 'displayName');
  }
  if (!familyName) {
    familyName = rest.length > 0 ? rest.join(' ') : givenName;
    derived('name.familyName', 'displayName');
  }
  if (!givenName || !familyName) return { missing: 'name.givenName' };
  return { displayName, givenName, familyName };
}

/**
 * AWS keeps one value of emails, phoneNumbers and addresses (DG/createuser). The kept one is the
 * source's primary, else the first `work` value, else the first value, so the choice is the same every run.
 */
export function pickSingle<T extends { primary?: boolean; type?: string }>(
  values: readonly T[],
  field: string,
  ext: string,
  findings: Finding[],
): T[] {
  const [firstValue] = values;
  if (firstValue === undefined) return [];
  const chosen = values.find((v) => v.primary) ?? values.find((v) => v.type === 'work') ?? firstValue;
  if (values.length > 1) {
    findings.push({
      object: 'user',
      externalId: ext,
      action: 'altered',
      field,
      reason: `kept 1 of ${values.length} values (AWS stores one)`,
    });
  }
  return [chosen];
}

function validEmail(e: Email, ext: string, findings: Finding[]): Email[] {
  const value = nfc(e.value);
  if (!value || FORBIDDEN_CHARACTERS.test(value) || /\s/.test(value) || charLength(value) > 1024) {
    findings.push({
      object: 'user',
      externalId: ext,
      action: 'altered',
      field: 'emails',
      reason: 'email dropped: empty, too long or contains a character AWS rejects',
    });
    return [];
  }
  return [{ ...e, value }];
}

/**
 * profileUrl is a URI (RFC 7643 §4.1.1): no whitespace, and like every value none of the characters AWS
 * rejects. An unusable value is dropped (null: cleared), never rewritten into another address.
 */
function validUri(value: string | null, ext: string, findings: Finding[]): string | null {
  const uri = nfc(value);
  if (uri === undefined) return null;
  if (!FORBIDDEN_CHARACTERS.test(uri) && !/\s/.test(uri) && charLength(uri) <= STRING_MAX_LENGTH) return uri;
  findings.push({
    object: 'user',
    externalId: ext,
    action: 'altered',
    field: 'profileUrl',
    reason: 'profileUrl dropped: too long, or contains whitespace or a character AWS rejects',
  });
  return null;
}

function cleanPhone(p: PhoneNumber, text: TextFn): PhoneNumber[] {
  const value = text('phoneNumbers', p.value);
  return value ? [{ value, type: p.type ?? 'work', primary: true }] : [];
}

function cleanAddress(a: Address, text: TextFn): Address {
  return dropUndefined({
    type: a.type ?? 'work',
    streetAddress: text('addresses.streetAddress', a.streetAddress),
    locality: text('addresses.locality', a.locality),
    region: text('addresses.region', a.region),
    postalCode: text('addresses.postalCode', a.postalCode),
    country: text('addresses.country', a.country),
    formatted: text('addresses.formatted', a.formatted),
    primary: true,
  });
}

/**
 * Absent and undefined must compare equal, so plans never flap on a missing key. A copy, not `delete`:
 * deleting a property turns a V8 object into a hash table, several times larger, and a plan of
 * 200,000 users holds one such object per user.
 */
export function dropUndefined<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) ? dropUndefined(v as object) : v;
  }
  return out as T;
}
