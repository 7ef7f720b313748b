import { describe, expect, it } from 'vitest';
import { andFilter, eqFilter } from './filter.js';

describe('eqFilter', () => {
  it('quotes a plain value', () => {
    expect(eqFilter('userName', 'jane@example.com')).toBe('userName eq "jane@example.com"');
  });

  it('escapes quotes and backslashes so a value cannot end the string', () => {
    expect(eqFilter('displayName', 'a"b\\c')).toBe('displayName eq "a\\"b\\\\c"');
    expect(eqFilter('externalId', '" or userName pr or "')).toBe('externalId eq "\\" or userName pr or \\""');
  });

  it('escapes control characters as JSON does (RFC 7644 §3.4.2.2 compValue)', () => {
    expect(eqFilter('displayName', 'a\nb\tc')).toBe('displayName eq "a\\nb\\tc"');
  });

  it('keeps non-ASCII text as is', () => {
    expect(eqFilter('displayName', 'Équipe 東京')).toBe('displayName eq "Équipe 東京"');
  });
});

describe('andFilter', () => {
  it('joins clauses with and', () => {
    expect(andFilter(eqFilter('id', 'g1'), eqFilter('members', 'u1'))).toBe('id eq "g1" and members eq "u1"');
  });

  it('returns a single clause unchanged', () => {
    expect(andFilter('userName eq "a"')).toBe('userName eq "a"');
  });
});
