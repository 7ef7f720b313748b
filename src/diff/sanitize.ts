import { charLength, FORBIDDEN_CHARACTERS, FORBIDDEN_CHARACTERS_GLOBAL, STRING_MAX_LENGTH } from './constraints.js';

/**
 * The documented, deterministic sanitizer for non-identifier text (display and person names,
 * titles, departments, …). Identifiers (`userName`, `externalId`) never pass through here:
 * they are either valid as they are or the object is skipped, never silently rewritten.
 *
 * Rules, in order:
 *  1. Unicode NFC, so NFC and NFD spellings of the same name compare equal.
 *  2. Tab, CR and LF become a space; `< > ; : %` and other control characters are removed.
 *  3. Runs of whitespace collapse to one space; leading/trailing whitespace is trimmed.
 *  4. Longer than 1024 characters → cut to 1024 characters (the Identity Store maximum).
 *  5. An empty result means "absent": AWS rejects "" (minimum length 1,
 *     https://docs.aws.amazon.com/singlesignon/latest/userguide/troubleshooting.html).
 */
export interface Sanitized {
  value: string | undefined;
  changed: boolean;
  reason?: string;
}

export function sanitizeText(input: string | undefined | null): Sanitized {
  if (input === undefined || input === null) return { value: undefined, changed: false };
  const nfc = input.normalize('NFC');
  let value = nfc.replace(/[\t\r\n]/g, ' ').replace(FORBIDDEN_CHARACTERS_GLOBAL, '');
  value = value.replace(/\s+/gu, ' ').trim();
  const reasons: string[] = [];
  if (FORBIDDEN_CHARACTERS.test(nfc)) reasons.push('removed characters AWS rejects (< > ; : % tab CR LF control)');
  if (charLength(value) > STRING_MAX_LENGTH) {
    value = Array.from(value).slice(0, STRING_MAX_LENGTH).join('');
    reasons.push(`cut to ${STRING_MAX_LENGTH} characters`);
  }
  const result = value === '' ? undefined : value;
  const changed = result !== nfc && !(result === undefined && nfc.trim() === '');
  return reasons.length > 0 || changed
    ? { value: result, changed: true, reason: reasons.join('; ') || 'whitespace normalised' }
    : { value: result, changed: false };
}

/** NFC and trim only: for values compared as-is (emails, identifiers). */
export function nfc(input: string | undefined | null): string | undefined {
  if (input === undefined || input === null) return undefined;
  const v = input.normalize('NFC').trim();
  return v === '' ? undefined : v;
}
