import { describe, expect, it } from 'vitest';
import { ext, group, snapshot, user } from '../../test/helpers/builders.js';
import { UsageError } from '../errors.js';
import { parseOnlySelectors, restrictSnapshots, selectObjects } from './only-select.js';

const snap = snapshot(
  [user('a'), user('b'), user('c')],
  [group('eng', ['a', 'b']), group('all', ['c'], ['eng']), group('other', ['c'])],
);

describe('--only selectors', () => {
  it('parses user:/group: and refuses anything else as a usage mistake', () => {
    expect(parseOnlySelectors(['user:a@example.com', 'group:Group eng'])).toEqual([
      { kind: 'user', value: 'a@example.com' },
      { kind: 'group', value: 'Group eng' },
    ]);
    for (const bad of ['a@example.com', 'user:', 'role:x']) expect(() => parseOnlySelectors([bad])).toThrow(UsageError);
  });

  it('matches userName and displayName case-insensitively, the source id, or the externalId', () => {
    const selection = selectObjects(
      [snap],
      parseOnlySelectors(['user:A@EXAMPLE.com', 'user:b', `user:${ext('c')}`, 'group:group ENG']),
    );
    expect([...selection.users.keys()]).toEqual([ext('a'), ext('b'), ext('c')]);
    expect([...selection.groups.keys()]).toEqual([ext('eng')]);
  });

  it('names every selector that matches nothing', () => {
    expect(() => selectObjects([snap], parseOnlySelectors(['user:zed', 'group:eng', 'group:nope']))).toThrow(
      /--only user:zed, group:nope: not found in the sources \(test-src\)/,
    );
  });
});

describe('restrictSnapshots', () => {
  it('keeps the selected user, and each group holding it (nested too) with only the selected users as members', () => {
    const selection = selectObjects([snap], parseOnlySelectors(['user:a']));
    const [restricted] = restrictSnapshots([snap], selection, new Set(), 10);
    expect(restricted!.users.map((u) => u.externalId)).toEqual([ext('a')]);
    expect(restricted!.groups.map((g) => [g.externalId, g.memberUsers, g.memberGroups])).toEqual([
      [ext('eng'), [ext('a')], []],
      [ext('all'), [ext('a')], []],
    ]);
  });

  it('keeps a selected group whole (flattened), and a group AWS has the user in even when the source no longer does', () => {
    const selection = selectObjects([snap], parseOnlySelectors(['group:Group all', 'user:a']));
    const [restricted] = restrictSnapshots([snap], selection, new Set([ext('other')]), 10);
    const members = Object.fromEntries(restricted!.groups.map((g) => [g.externalId, [...g.memberUsers].sort()]));
    expect(members).toEqual({
      [ext('eng')]: [ext('a')],
      [ext('all')]: [ext('a'), ext('b'), ext('c')],
      [ext('other')]: [],
    });
  });
});
