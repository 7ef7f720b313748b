/**
 * DN comparison. Member values and entry DNs written by different tools differ in case, in spaces
 * around `,`/`=` and in escaping (`\,` versus `\2C`), so they are compared through a normal form:
 * RFC 4514 parsed, escapes decoded, attribute types and values lower-cased, unescaped surrounding
 * spaces dropped, multi-valued RDNs sorted. Lower-casing values assumes case-insensitive naming
 * attributes (cn, uid, ou, dc: caseIgnoreMatch, RFC 4519), which holds for directory trees in practice.
 */

/** The RDNs of `dn` in normal form, leaf first; undefined when `dn` is not a well-formed RFC 4514 DN. */
export function parseDn(dn: string): string[] | undefined {
  const rdns: string[] = [];
  let avas: string[] = [];
  let cursor = 0;
  if (dn.trim() === '') return [];
  for (;;) {
    const ava = readAva(dn, cursor);
    if (ava === undefined) return undefined;
    avas.push(ava.normal);
    cursor = ava.next;
    const separator = dn[cursor];
    if (separator === '+') {
      cursor += 1;
      continue;
    }
    rdns.push(avas.sort().join('+'));
    avas = [];
    if (separator === undefined) return rdns;
    cursor += 1;
  }
}

/** The normal form used as a map key; a malformed DN falls back to trimmed lower case so it can still be reported. */
export function normalizeDn(dn: string): string {
  return parseDn(dn)?.join(',') ?? dn.trim().toLowerCase();
}

/** Whether `dn` lies in the search scope `scope` under `baseDn` (RFC 4511 §4.5.1.2). */
export function isInScope(dn: string, baseDn: string, scope: 'one' | 'sub'): boolean {
  const entry = parseDn(dn);
  const base = parseDn(baseDn);
  if (entry === undefined || base === undefined) return false;
  // wholeSubtree includes the base entry itself; singleLevel only its immediate children.
  if (scope === 'sub' ? entry.length < base.length : entry.length !== base.length + 1) return false;
  const offset = entry.length - base.length;
  return base.every((rdn, i) => entry[offset + i] === rdn);
}

/**
 * The DN of a NameAndOptionalUID value (`uniqueMember`, RFC 4517 §3.3.21) without its `#'0101'B` suffix.
 * RFC 4517 leaves `#` unescaped inside the DN, so the optional part is recognised from the end.
 */
export function stripOptionalUid(value: string): string {
  return value.replace(/#'[01]*'B$/, '');
}

interface Ava {
  normal: string;
  next: number;
}

function readAva(dn: string, start: number): Ava | undefined {
  const equals = dn.indexOf('=', start);
  if (equals < 0) return undefined;
  const type = dn.slice(start, equals).trim().toLowerCase();
  if (!/^([a-z][a-z0-9-]*|\d+(\.\d+)*)$/.test(type)) return undefined;
  const value = readValue(dn, equals + 1);
  if (value === undefined) return undefined;
  return { normal: `${type}=${escapeNormal(value.text.toLowerCase())}`, next: value.next };
}

/** Reads an attribute value up to the next unescaped `,` or `+` (RFC 4514 §3), decoding escapes. */
function readValue(dn: string, start: number): { text: string; next: number } | undefined {
  let text = '';
  let significantLength = 0;
  // Consecutive `\hh` escapes are one UTF-8 sequence (`Jos\C3\A9`), so they are decoded together.
  let pendingBytes: number[] = [];
  const flush = (): void => {
    if (pendingBytes.length === 0) return;
    text += Buffer.from(pendingBytes).toString('utf8');
    pendingBytes = [];
    significantLength = text.length;
  };
  let i = start;
  while (dn[i] === ' ') i += 1;
  for (; i < dn.length && dn[i] !== ',' && dn[i] !== '+'; i += 1) {
    const ch = dn[i] as string;
    if (ch !== '\\') {
      flush();
      text += ch;
      if (ch !== ' ') significantLength = text.length;
      continue;
    }
    const pair = dn.slice(i + 1, i + 3);
    if (/^[0-9a-fA-F]{2}$/.test(pair)) {
      pendingBytes.push(Number.parseInt(pair, 16));
      i += 2;
      continue;
    }
    const escaped = dn[i + 1];
    if (escaped === undefined) return undefined;
    flush();
    text += escaped;
    significantLength = text.length;
    i += 1;
  }
  flush();
  return { text: text.slice(0, significantLength), next: i };
}

function escapeNormal(value: string): string {
  return value.replace(/[\\,+=]/g, (c) => `\\${c}`);
}
