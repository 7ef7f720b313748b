import { makeExternalId } from '../../model/ids.js';
import type { Provenance } from '../../model/provenance.js';
import type { Email, PhoneNumber, User } from '../../model/user.js';
import { GUID_PATTERN, type EntraSourceConfig } from './config.js';
import type { GraphUser } from './wire.js';
import { applyUserMapping } from '../../mapping/apply.js';
import { compiledMapping } from '../../mapping/config.js';
import { recordLookup } from '../../mapping/lookup.js';

/**
 * Pure mapping from Graph users to the model. Values are taken as Entra holds them; IAM Identity
 * Center's limits (one email, required names, forbidden characters) are applied later by the
 * constraint engine, not here.
 */

export type TransformOptions = Pick<EntraSourceConfig, 'id' | 'userName' | 'email' | 'guests' | 'mapping'>;

export type UserOutcome = { kind: 'user'; user: User } | { kind: 'skipped'; ref: string; reason: string };

export const GUEST_SKIPPED = 'guest (B2B) user; guests: skip';

export function transformUser(raw: GraphUser, options: TransformOptions): UserOutcome {
  const ref = text(raw.id) ?? '(no id)';
  if (text(raw.id) === undefined || /\s/.test(raw.id))
    return { kind: 'skipped', ref, reason: 'no immutable object id' };
  if (options.guests === 'skip' && isGuest(raw)) return { kind: 'skipped', ref, reason: GUEST_SKIPPED };
  const userName = text(options.userName === 'mail' ? raw.mail : raw.userPrincipalName);
  if (userName === undefined) return { kind: 'skipped', ref, reason: `no ${options.userName} to use as userName` };
  const user: User = {
    externalId: makeExternalId(options.id, raw.id),
    userName,
    displayName: text(raw.displayName),
    name: { givenName: text(raw.givenName), familyName: text(raw.surname) },
    title: text(raw.jobTitle),
    emails: emailsOf(raw, options.email),
    phoneNumbers: phoneNumbersOf(raw),
    addresses: [],
    enterprise: {
      employeeNumber: text(raw.employeeId),
      department: text(raw.department),
      organization: text(raw.companyName),
    },
    // Only an explicit false disables: a missing value must never deactivate anyone.
    active: raw.accountEnabled !== false,
    provenance: provenanceOf(options.id, raw.id),
  };
  if (options.mapping === undefined) return { kind: 'user', user };
  // `manager` holds the manager's object id (managers.ts), which is also what our externalId is made of.
  const resolveManager = (ref: string) => (GUID_PATTERN.test(ref) ? makeExternalId(options.id, ref) : undefined);
  const mapped = applyUserMapping(user, compiledMapping(options.mapping), recordLookup(raw), resolveManager);
  return mapped.kind === 'user' ? mapped : { kind: 'skipped', ref, reason: mapped.reason };
}

/**
 * B2B guests have `userType` Guest; invited users from other tenants also carry `#EXT#` in their
 * userPrincipalName even when converted to members.
 */
export function isGuest(raw: Pick<GraphUser, 'userType' | 'userPrincipalName'>): boolean {
  return raw.userType?.toLowerCase() === 'guest' || (raw.userPrincipalName ?? '').toUpperCase().includes('#EXT#');
}

/**
 * The configured primary first, then `mail`, the SMTP proxy addresses (the upper-case `SMTP:` one is
 * Exchange's primary), and `otherMails`, each address once whatever its case. A fixed order keeps the
 * single address AWS stores stable between runs.
 */
export function emailsOf(raw: GraphUser, primary: TransformOptions['email']): Email[] {
  const proxies = (raw.proxyAddresses ?? []).flatMap((p) => {
    const match = /^smtp:(.+)$/i.exec(p.trim());
    return match?.[1] ? [{ value: match[1], primarySmtp: p.startsWith('SMTP:') }] : [];
  });
  const candidates: Array<{ value: string | null | undefined; type: string }> = [
    { value: primaryEmail(raw, primary), type: 'work' },
    { value: raw.mail, type: 'work' },
    ...proxies.filter((p) => p.primarySmtp).map((p) => ({ value: p.value, type: 'work' })),
    ...proxies.filter((p) => !p.primarySmtp).map((p) => ({ value: p.value, type: 'work' })),
    ...(raw.otherMails ?? []).map((value) => ({ value, type: 'other' })),
  ];
  const seen = new Set<string>();
  const emails: Email[] = [];
  for (const candidate of candidates) {
    const value = text(candidate.value);
    if (value === undefined || seen.has(value.toLowerCase())) continue;
    seen.add(value.toLowerCase());
    emails.push({ value, type: candidate.type, primary: emails.length === 0 });
  }
  return emails;
}

function primaryEmail(raw: GraphUser, primary: TransformOptions['email']): string | null | undefined {
  if (primary === 'mail') return raw.mail;
  if (primary === 'userPrincipalName') return raw.userPrincipalName;
  return text(raw.mail) ?? raw.userPrincipalName;
}

/** Business phones first (Graph allows one today, the property is a list), then the mobile phone. */
export function phoneNumbersOf(raw: GraphUser): PhoneNumber[] {
  const numbers = [
    ...(raw.businessPhones ?? []).map((value) => ({ value: text(value), type: 'work' })),
    { value: text(raw.mobilePhone), type: 'mobile' },
  ].filter((n): n is { value: string; type: string } => n.value !== undefined);
  return numbers.map((n, index) => ({ ...n, primary: index === 0 }));
}

export function provenanceOf(sourceId: string, objectId: string): Provenance {
  return { sourceKind: 'entra', sourceId, ref: objectId };
}

/** Graph sends `null` for a selected property that is not set; blank text counts as unset too. */
function text(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
