import { describe, expect, it } from 'vitest';
import { assembleSnapshot, NOT_IN_SCOPE } from './assemble.js';
import { GUEST_SKIPPED, type TransformOptions } from './transform.js';
import type { GraphUser } from './wire.js';

const options: TransformOptions = { id: 'corp-entra', userName: 'userPrincipalName', email: 'mail', guests: 'skip' };
const user = (id: string, over: Partial<GraphUser> = {}): GraphUser => ({
  id,
  userPrincipalName: `${id}@contoso.example`,
  ...over,
});
const READ_AT = '2026-03-01T12:00:00.000Z';

describe('assembleSnapshot', () => {
  it('keeps members that are users of the snapshot and reports the others with a reason', () => {
    const snapshot = assembleSnapshot(
      {
        users: [user('a'), user('b'), user('guest', { userType: 'Guest' }), user('a')],
        groups: [{ id: 'g', displayName: 'Engineers', memberIds: ['a', 'b', 'guest', 'outsider', 'a'] }],
      },
      options,
      READ_AT,
    );
    expect(snapshot.users.map((u) => u.externalId)).toEqual(['corp-entra/a', 'corp-entra/b']);
    expect(snapshot.groups).toEqual([
      {
        externalId: 'corp-entra/g',
        displayName: 'Engineers',
        memberUsers: ['corp-entra/a', 'corp-entra/b'],
        memberGroups: [],
        provenance: { sourceKind: 'entra', sourceId: 'corp-entra', ref: 'g' },
      },
    ]);
    expect(snapshot.skipped).toEqual([{ object: 'user', ref: 'guest', reason: GUEST_SKIPPED }]);
    expect(snapshot.unresolvedMembers).toEqual([
      { group: 'corp-entra/g', member: 'guest', reason: `member skipped: ${GUEST_SKIPPED}` },
      { group: 'corp-entra/g', member: 'outsider', reason: NOT_IN_SCOPE },
    ]);
    expect(snapshot).toMatchObject({ sourceId: 'corp-entra', sourceKind: 'entra', readAt: READ_AT });
  });
});
