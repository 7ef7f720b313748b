import { describe, expect, it } from 'vitest';
import type { ScimId } from '../model/ids.js';
import { planHash } from './hash.js';
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
