import { describe, expect, it } from 'vitest';
import { canonicalJson } from './hash.js';

describe('canonicalJson', () => {
  it('serializes equal data equally whatever the key order, dropping undefined values as JSON does', () => {
    const a = { b: 1, a: { y: [1, 'x', null], x: true }, c: undefined };
    const b = { a: { x: true, y: [1, 'x', null] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":true,"y":[1,"x",null]},"b":1}');
    expect(canonicalJson([undefined])).toBe('[null]');
  });

  it('escapes strings exactly as JSON.stringify does', () => {
    for (const s of [
      'plain',
      'quote " and \\ backslash',
      'tab\tnew\nline\u0001',
      'line\u2028sep',
      'lone \ud800',
      'é😀',
    ]) {
      expect(canonicalJson({ s })).toBe(`{"s":${JSON.stringify(s)}}`);
      expect(JSON.parse(canonicalJson({ s })).s).toBe(s);
    }
  });

  it('keeps objects whose keys join alike apart (the per-shape key cache)', () => {
    expect(canonicalJson({ 'a,b': 1 })).toBe('{"a,b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe('{"a":1,"b":2}');
    expect(canonicalJson({ 'a\u0000b': 1 })).toBe('{"a\\u0000b":1}');
  });
});
