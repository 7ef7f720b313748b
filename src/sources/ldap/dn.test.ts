import { describe, expect, it } from 'vitest';
import { isInScope, normalizeDn, parseDn, stripOptionalUid } from './dn.js';

describe('normalizeDn', () => {
  it.each([
    [
      'case and spaces around separators',
      'UID=Alice , OU=People,dc=Example, DC=test',
      'uid=alice,ou=people,dc=example,dc=test',
    ],
    ['hex and character escapes alike', 'cn=Doe\\2C John,dc=test', 'cn=doe\\, john,dc=test'],
    ['escaped UTF-8 bytes', 'cn=Jos\\C3\\A9,dc=test', 'cn=josé,dc=test'],
    ['multi-valued RDN order', 'cn=b+uid=a,dc=test', 'cn=b+uid=a,dc=test'],
  ])('%s', (_, dn, normal) => {
    expect(normalizeDn(dn)).toBe(normal);
  });

  it('makes equivalent spellings equal', () => {
    expect(normalizeDn('cn=Doe\\, John,dc=test')).toBe(normalizeDn('CN = doe\\2c john , DC = TEST'));
    expect(normalizeDn('uid=a+cn=b,dc=test')).toBe(normalizeDn('cn=b+uid=a,dc=test'));
    expect(normalizeDn('cn=José (admin) \\2a,dc=test')).toBe(normalizeDn('cn=jos\\c3\\a9 \\28admin\\29 *,dc=test'));
  });

  it('keeps an escaped trailing space but drops unescaped ones', () => {
    expect(normalizeDn('cn=a\\ ,dc=test')).not.toBe(normalizeDn('cn=a,dc=test'));
    expect(normalizeDn('cn=a   ,dc=test')).toBe(normalizeDn('cn=a,dc=test'));
  });

  it('falls back to trimmed lower case for malformed DNs', () => {
    expect(parseDn('no equals sign')).toBeUndefined();
    expect(parseDn('cn=trailing\\')).toBeUndefined();
    expect(normalizeDn(' Not A DN ')).toBe('not a dn');
    expect(parseDn('')).toEqual([]);
  });
});

describe('isInScope', () => {
  const base = 'ou=People,dc=example,dc=test';

  it('sub: the base and everything below it', () => {
    expect(isInScope('uid=a,ou=people,dc=example,dc=test', base, 'sub')).toBe(true);
    expect(isInScope('uid=a,ou=x,ou=people,dc=example,dc=test', base, 'sub')).toBe(true);
    expect(isInScope(base, base, 'sub')).toBe(true);
    expect(isInScope('uid=a,ou=groups,dc=example,dc=test', base, 'sub')).toBe(false);
    expect(isInScope('uid=a,ou=otherpeople,dc=example,dc=test', base, 'sub')).toBe(false);
  });

  it('one: immediate children only', () => {
    expect(isInScope('uid=a,ou=people,dc=example,dc=test', base, 'one')).toBe(true);
    expect(isInScope('uid=a,ou=x,ou=people,dc=example,dc=test', base, 'one')).toBe(false);
    expect(isInScope(base, base, 'one')).toBe(false);
  });
});

describe('stripOptionalUid', () => {
  it("removes a trailing #'bits'B and leaves other values alone", () => {
    expect(stripOptionalUid("uid=a,dc=test#'0101'B")).toBe('uid=a,dc=test');
    expect(stripOptionalUid("uid=a,dc=test#''B")).toBe('uid=a,dc=test');
    expect(stripOptionalUid('cn=a#b,dc=test')).toBe('cn=a#b,dc=test');
  });
});
