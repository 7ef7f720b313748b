import type { Entry } from 'ldapts';

export type AttributeValue = string | Buffer;

/**
 * A search result entry with one shape for every attribute. ldapts returns one value as a scalar,
 * several as an array and a requested-but-absent attribute as `[]`; here every
 * attribute is a list, keyed by its lower-cased description (descriptions are case-insensitive,
 * RFC 4512 §2.5), so `entryUUID` and `entryuuid` are the same key.
 */
export interface LdapEntry {
  readonly dn: string;
  readonly attributes: ReadonlyMap<string, readonly AttributeValue[]>;
}

export function toLdapEntry(raw: Entry): LdapEntry {
  const attributes = new Map<string, AttributeValue[]>();
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'dn') continue;
    const list = Array.isArray(value) ? value : [value];
    const key = name.toLowerCase();
    attributes.set(key, [...(attributes.get(key) ?? []), ...list]);
  }
  return { dn: raw.dn, attributes };
}

export function values(entry: LdapEntry, attribute: string): readonly AttributeValue[] {
  return entry.attributes.get(attribute.toLowerCase()) ?? [];
}

/** The non-empty values as text (binary values are read as UTF-8). */
export function strings(entry: LdapEntry, attribute: string): string[] {
  return values(entry, attribute)
    .map((v) => (typeof v === 'string' ? v : v.toString('utf8')))
    .filter((v) => v.length > 0);
}

export function firstString(entry: LdapEntry, attribute: string): string | undefined {
  return strings(entry, attribute)[0];
}

/** A copy of `entry` with `attribute` holding exactly `list`. */
export function withValues(entry: LdapEntry, attribute: string, list: readonly AttributeValue[]): LdapEntry {
  const attributes = new Map(entry.attributes);
  attributes.set(attribute.toLowerCase(), list);
  return { dn: entry.dn, attributes };
}
