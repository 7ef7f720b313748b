import { describe, expect, it } from 'vitest';
import {
  applyGroupDelta,
  applyUserDelta,
  withAncestors,
  type GroupChanges,
  type GroupTracking,
} from './delta-merge.js';
import type { GraphUser } from './wire.js';

const GROUP = '#microsoft.graph.group';
const USER = '#microsoft.graph.user';
const changes = (): GroupChanges => ({ changed: new Set(), removed: new Set() });

describe('applyUserDelta', () => {
  it('merges changed properties over the stored record and keeps the rest', () => {
    const users: Record<string, GraphUser> = { a: { id: 'a', displayName: 'A', jobTitle: 'Dev', department: 'R&D' } };
    applyUserDelta(users, [{ id: 'a', jobTitle: 'Lead', department: null }]);
    expect(users.a).toEqual({ id: 'a', displayName: 'A', jobTitle: 'Lead', department: null });
  });

  it('removes soft-deleted and deleted users and counts them by reason', () => {
    const users: Record<string, GraphUser> = { a: { id: 'a' }, b: { id: 'b' }, c: { id: 'c' } };
    const counts = applyUserDelta(users, [
      { id: 'a', '@removed': { reason: 'changed' } },
      { id: 'b', '@removed': { reason: 'deleted' } },
      { id: 'd', displayName: 'New' },
    ]);
    expect(Object.keys(users).sort()).toEqual(['c', 'd']);
    expect(counts).toEqual({ updated: 1, softDeleted: 1, deleted: 1 });
  });

  it('is idempotent when Graph replays a change', () => {
    const users: Record<string, GraphUser> = {};
    const items = [
      { id: 'a', displayName: 'A' },
      { id: 'b', '@removed': { reason: 'deleted' } },
    ];
    applyUserDelta(users, items);
    applyUserDelta(users, items);
    expect(users).toEqual({ a: { id: 'a', displayName: 'A' } });
  });
});

describe('applyGroupDelta', () => {
  it('tracks names and direct child groups across items of one group, ignoring user members', () => {
    const tracking: GroupTracking = { groupNames: {}, childGroups: {} };
    const c = changes();
    applyGroupDelta(
      tracking,
      [
        {
          id: 'p',
          displayName: 'Parent',
          'members@delta': [
            { '@odata.type': GROUP, id: 'c1' },
            { '@odata.type': USER, id: 'u1' },
          ],
        },
      ],
      c,
    );
    applyGroupDelta(tracking, [{ id: 'p', 'members@delta': [{ '@odata.type': GROUP, id: 'c2' }] }], c);
    expect(tracking).toEqual({ groupNames: { p: 'Parent' }, childGroups: { p: ['c1', 'c2'] } });
    applyGroupDelta(
      tracking,
      [
        {
          id: 'p',
          displayName: 'Renamed',
          'members@delta': [{ '@odata.type': GROUP, id: 'c1', '@removed': { reason: 'deleted' } }],
        },
      ],
      c,
    );
    expect(tracking).toEqual({ groupNames: { p: 'Renamed' }, childGroups: { p: ['c2'] } });
    expect([...c.changed]).toEqual(['p']);
  });

  it('drops a removed group everywhere and marks its parents changed', () => {
    const tracking: GroupTracking = { groupNames: { p: 'P', c: 'C' }, childGroups: { p: ['c'] } };
    const c = changes();
    applyGroupDelta(tracking, [{ id: 'c', '@removed': { reason: 'deleted' } }], c);
    expect(tracking).toEqual({ groupNames: { p: 'P' }, childGroups: {} });
    expect(c).toEqual({ changed: new Set(['p']), removed: new Set(['c']) });
  });
});

describe('withAncestors', () => {
  it('adds every group that contains a changed group at any depth, and ends on cycles', () => {
    const childGroups = { a: ['b'], b: ['c'], x: ['c'], c: ['a'], unrelated: ['y'] };
    expect([...withAncestors(['c'], childGroups)].sort()).toEqual(['a', 'b', 'c', 'x']);
    expect([...withAncestors(['y'], childGroups)].sort()).toEqual(['unrelated', 'y']);
  });
});
