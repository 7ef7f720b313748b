import { describe, expect, it } from 'vitest';
import type { ScimId } from '../model/ids.js';
import { canonicalJson, planHash } from './hash.js';
import type { Operation } from './plan.js';

const id = (s: string) => s as ScimId;

const sent: Operation[] = [
  {
    kind: 'patchUser',
    target: { externalId: 'hr/p1', id: id('u-1') },
    changes: [{ path: 'displayName', value: 'Person One' }],
  },
  { kind: 'deactivateUser', target: { externalId: 'hr/p2', id: id('u-2') }, reason: 'left-scope' },
  { kind: 'addMembers', group: { externalId: 'hr/staff', id: id('g-1') }, members: [{ externalId: 'hr/p1' }] },
];

const labelled: Operation[] = [
  {
    kind: 'patchUser',
    target: { externalId: 'hr/p1', id: id('u-1'), name: 'person1@example.com' },
    changes: [{ path: 'displayName', value: 'Person One', from: 'Person 1' }],
  },
  {
    kind: 'deactivateUser',
    target: { externalId: 'hr/p2', id: id('u-2'), name: 'person2@example.com' },
    reason: 'left-scope',
  },
  {
    kind: 'addMembers',
    group: { externalId: 'hr/staff', id: id('g-1'), name: 'Staff' },
    members: [{ externalId: 'hr/p1', name: 'person1@example.com' }],
  },
];

describe('planHash', () => {
  it('binds what is sent: names and the values AWS holds now do not change it', () => {
    expect(planHash(labelled)).toBe(planHash(sent));
  });

  it('changes when a value to send changes', () => {
    const other = structuredClone(labelled);
    const patch = other[0];
    if (patch?.kind !== 'patchUser') throw new Error('fixture');
    patch.changes[0]!.value = 'Person Uno';
    expect(planHash(other)).not.toBe(planHash(labelled));
  });
});

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
