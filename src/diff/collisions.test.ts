import { describe, expect, it } from 'vitest';
import { ext, snapshot, user } from '../../test/helpers/builders.js';
import { resolveUserCollisions } from './collisions.js';
import { buildDesiredState } from './desired.js';
import { normalizeUser } from './normalize-user.js';

const desired = (id: string, userName: string, email: string) =>
  normalizeUser(user(id, { userName, emails: [{ value: email, type: 'work', primary: true }] }), 'derive').user!;

describe('collision winner (a rule a person would accept)', () => {
  it('gives a case-only email collision to the user whose userName is that address, not to the smaller id', () => {
    const judy = desired('0-judy', 'judy@x.org', 'ALICE@x.org');
    const alice = desired('f-alice', 'alice@x.org', 'alice@x.org');
    const r = resolveUserCollisions([judy, alice], [], new Map([[judy.externalId, '2020-01-01T00:00:00Z']]));
    expect(r.users.map((u) => u.externalId)).toEqual([ext('f-alice')]);
    expect(r.findings).toEqual([
      expect.objectContaining({ externalId: ext('0-judy'), field: 'emails', action: 'skipped' }),
    ]);
  });

  it('otherwise lets the object the source created first win, whatever the ids', () => {
    const early = desired('z-early', 'early@x.org', 'shared@x.org');
    const late = desired('a-late', 'late@x.org', 'SHARED@x.org');
    const created = new Map([
      [early.externalId, '2019-05-01T10:00:00Z'],
      [late.externalId, '2024-05-01T10:00:00Z'],
    ]);
    expect(resolveUserCollisions([late, early], [], created).users.map((u) => u.externalId)).toEqual([ext('z-early')]);
  });

  it('keeps the value with the object AWS already holds it for, even against the userName owner', () => {
    const judy = desired('judy', 'judy@x.org', 'ALICE@x.org');
    const alice = desired('alice', 'alice@x.org', 'alice@x.org');
    const r = resolveUserCollisions([judy, alice], [{ ...judy, id: 'aws-judy' as never }]);
    expect(r.users.map((u) => u.externalId)).toEqual([ext('judy')]);
  });

  it('falls back to the id when creation times are equal or unknown, and ranks known times first', () => {
    const a = desired('a', 'a@x.org', 'same@x.org');
    const b = desired('b', 'b@x.org', 'Same@x.org');
    const c = desired('c', 'c@x.org', 'SAME@x.org');
    expect(resolveUserCollisions([b, a], []).users.map((u) => u.externalId)).toEqual([ext('a')]);
    const onlyC = new Map([[c.externalId, '2022-01-01T00:00:00Z']]);
    expect(resolveUserCollisions([a, b, c], [], onlyC).users.map((u) => u.externalId)).toEqual([ext('c')]);
  });

  it('takes creation times from the snapshots when building the desired state', () => {
    const early = user('z-early', {
      emails: [{ value: 'shared@x.org', type: 'work', primary: true }],
      createdAt: '2019-01-01T00:00:00Z',
    });
    const late = user('a-late', {
      emails: [{ value: 'Shared@x.org', type: 'work', primary: true }],
      createdAt: '2023-01-01T00:00:00Z',
    });
    const state = buildDesiredState(
      [snapshot([late, early])],
      { users: [], groups: [] },
      { nameFallback: 'derive', maxNestingDepth: 10 },
    );
    expect(state.users.map((u) => u.externalId)).toEqual([ext('z-early')]);
  });
});
