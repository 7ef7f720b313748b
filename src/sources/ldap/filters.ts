import { AndFilter, EqualityFilter, FilterParser, PresenceFilter, type Filter } from 'ldapts';
import type { AttributeValue } from './entry.js';

/**
 * Search filters. Values that come from directory data or callers (memberUid values, ids to re-read)
 * are never spliced into filter text: they go into an `EqualityFilter` object and travel as the raw
 * assertionValue OCTET STRING of an equalityMatch (RFC 4511 §4.5.1.7), so no character of them can
 * become filter syntax. This also avoids the ldapts string parser, which corrupts `\XX` escapes of
 * bytes ≥ 0x80 and so cannot carry an AD objectGUID (https://github.com/ldapts/ldapts/issues/104).
 * Rendered with `toString()`, such a filter shows the RFC 4515 escapes (`*` → `\2a`, …).
 *
 * Only operator-written filters from the config are parsed from text; config.ts rejects invalid ones.
 */

/** `(objectClass=*)`, the match-everything filter for base-scope reads. */
export function anyObject(): Filter {
  return new PresenceFilter({ attribute: 'objectClass' });
}

export function configured(filter: string): Filter {
  return FilterParser.parseString(filter);
}

/** `(&<configured>(<attribute>=<value>))` with `value` carried as an assertion value, never parsed. */
export function configuredAnd(filter: string, attribute: string, value: AttributeValue): Filter {
  return new AndFilter({ filters: [configured(filter), new EqualityFilter({ attribute, value })] });
}
