import { SCHEMA_ENTERPRISE_USER } from '../model/aws.js';

/**
 * Attributes that identify a person, masked in the plan table when `output.maskPii` is on:
 * names, contact data and the employee number. Titles, departments and locales stay readable,
 * since they are what an operator checks a mapping against.
 */
const PII_PATHS = new Set([
  'userName',
  'displayName',
  'nickName',
  'emails',
  'phoneNumbers',
  'addresses',
  `${SCHEMA_ENTERPRISE_USER}:employeeNumber`,
]);

export function isPiiPath(path: string): boolean {
  return PII_PATHS.has(path) || path.startsWith('name.');
}

/** The first character and a fixed-width mask, so neither the value nor its length shows. */
export function mask(value: string): string {
  const first = [...value][0] ?? '';
  return `${printable(first)}***`;
}

/** Control characters (a terminal escape in a directory value) are shown as U+FFFD, never sent to the terminal. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
}

/** One attribute value as a plan line shows it: strings quoted, lists with their type and primary flag. */
export function formatValue(value: unknown, masked = false): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return quote(value, masked);
  if (Array.isArray(value)) return `[${value.map((v) => formatItem(v, masked)).join(', ')}]`;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return formatItem(value, masked);
}

function quote(text: string, masked: boolean): string {
  return printable(JSON.stringify(masked ? mask(text) : text));
}

const ADDRESS_PARTS = ['streetAddress', 'locality', 'region', 'postalCode', 'country'] as const;

/** An email, phone number or address: its value (or address lines), then `(type, primary)`. */
function formatItem(item: unknown, masked: boolean): string {
  // Values come from JSON (the source, AWS), so anything else is a number, boolean or null.
  if (typeof item !== 'object' || item === null) return printable(JSON.stringify(item) ?? '(none)');
  const record = item as Record<string, unknown>;
  const text = (k: string): string | undefined => (typeof record[k] === 'string' ? record[k] : undefined);
  const main = text('value') ?? text('formatted') ?? ADDRESS_PARTS.flatMap((k) => text(k) ?? []).join(', ');
  const tags = [text('type'), record.primary === true ? 'primary' : undefined].filter((t) => t !== undefined);
  return `${quote(main, masked)}${tags.length > 0 ? ` (${tags.map(printable).join(', ')})` : ''}`;
}
