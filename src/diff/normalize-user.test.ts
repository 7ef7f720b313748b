import { describe, expect, it } from 'vitest';
import { ext, user } from '../../test/helpers/builders.js';
import { normalizeUser } from './normalize-user.js';
import { resolveUserCollisions } from './collisions.js';
import { sanitizeText } from './sanitize.js';

describe('normalizeUser (AWS constraint engine)', () => {
  it('keeps the primary email, else the first work email, and marks it primary', () => {
    const r = normalizeUser(
      user('a', {
        emails: [
          { value: 'home@x.org', type: 'home' },
          { value: 'work@x.org', type: 'work' },
        ],
      }),
      'derive',
    );
    expect(r.user?.emails).toEqual([{ value: 'work@x.org', type: 'work', primary: true }]);
    expect(r.findings).toContainEqual(expect.objectContaining({ action: 'altered', field: 'emails' }));
    const p = normalizeUser(
      user('a', { emails: [{ value: 'one@x.org' }, { value: 'two@x.org', primary: true }] }),
      'derive',
    );
    expect(p.user?.emails[0]?.value).toBe('two@x.org');
  });

  it('skips a user whose userName has a forbidden character instead of rewriting it', () => {
    for (const bad of ['a<b', 'a;b', 'a:b', 'a%b', 'a\tb', 'a b']) {
      const r = normalizeUser(user('a', { userName: bad }), 'derive');
      expect(r.user).toBeUndefined();
      expect(r.findings).toEqual([expect.objectContaining({ action: 'skipped', field: 'userName' })]);
    }
  });

  it('skips reserved and overlong userNames, counting characters not bytes', () => {
    expect(normalizeUser(user('a', { userName: 'administrator' }), 'derive').user).toBeUndefined();
    expect(normalizeUser(user('a', { userName: 'é'.repeat(128) }), 'derive').user).toBeDefined();
    expect(normalizeUser(user('a', { userName: 'é'.repeat(129) }), 'derive').user).toBeUndefined();
  });

  it('sanitizes display names deterministically and reports the change', () => {
    const r = normalizeUser(user('a', { displayName: 'Bob <admin>;\tOps' }), 'derive');
    expect(r.user?.displayName).toBe('Bob admin Ops');
    expect(r.findings).toContainEqual(expect.objectContaining({ action: 'altered', field: 'displayName' }));
  });

  it('derives given and family names from displayName, or skips when told to', () => {
    const u = user('a', { name: {}, displayName: 'Ada King Lovelace' });
    expect(normalizeUser(u, 'derive').user?.name).toMatchObject({ givenName: 'Ada', familyName: 'King Lovelace' });
    expect(normalizeUser(user('a', { name: {}, displayName: 'Cher' }), 'derive').user?.name).toMatchObject({
      givenName: 'Cher',
      familyName: 'Cher',
    });
    const skipped = normalizeUser(u, 'skip');
    expect(skipped.user).toBeUndefined();
    expect(skipped.findings[0]).toMatchObject({ action: 'skipped', field: 'name.givenName' });
  });

  it('never sends an empty string', () => {
    const r = normalizeUser(user('a', { title: '   ', nickName: '' }), 'derive');
    expect(r.user).not.toHaveProperty('title');
    expect(r.user).not.toHaveProperty('nickName');
  });

  it('normalizes to NFC', () => {
    expect(sanitizeText('Jose\u0301').value).toBe('Jos\u00e9');
  });
});

describe('resolveUserCollisions', () => {
  it('detects case-insensitive userName collisions and picks a stable winner', () => {
    const a = normalizeUser(user('b', { userName: 'Alice@x.org' }), 'derive').user!;
    const b = normalizeUser(user('a', { userName: 'alice@x.org' }), 'derive').user!;
    const first = resolveUserCollisions([a, b], []);
    const second = resolveUserCollisions([b, a], []);
    expect(first.users.map((u) => u.externalId)).toEqual([ext('a')]);
    expect(second.users.map((u) => u.externalId)).toEqual([ext('a')]);
    expect(first.findings).toEqual([
      expect.objectContaining({ externalId: ext('b'), action: 'skipped', field: 'userName' }),
    ]);
  });

  it('lets the user already bound in AWS keep the contested name', () => {
    const a = normalizeUser(user('a', { userName: 'x@x.org' }), 'derive').user!;
    const b = normalizeUser(user('b', { userName: 'X@x.org' }), 'derive').user!;
    const r = resolveUserCollisions([a, b], [{ ...b, id: 'aws-b' as never }]);
    expect(r.users.map((u) => u.externalId)).toEqual([ext('b')]);
  });
});
