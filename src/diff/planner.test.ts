import { describe, expect, it } from 'vitest';
import { ext, group, snapshot, SOURCE_ID, targetGroup, targetUser, user } from '../../test/helpers/builders.js';
import type { TargetGroup, TargetUser } from '../model/aws.js';
import { ownershipPrefix } from '../model/ids.js';
import type { Snapshot } from '../model/snapshot.js';
import { buildDesiredState } from './desired.js';
import type { PlanPolicy } from './plan-context.js';
import { planChanges } from './planner.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

function plan(
  snap: Snapshot,
  current: { users?: TargetUser[]; groups?: TargetGroup[]; members?: Record<string, string[]> } = {},
  policy: Partial<PlanPolicy> = {},
) {
  const users = current.users ?? [];
  const groups = current.groups ?? [];
  const members = new Map<string, Set<string>>();
  for (const g of groups) members.set(g.id, new Set(current.members?.[g.id] ?? []));
  const desired = buildDesiredState([snap], { users, groups }, { nameFallback: 'derive', maxNestingDepth: 10 });
  return planChanges(
    desired,
    { users, groups, members },
    {
      managedPrefixes: [ownershipPrefix(SOURCE_ID)],
      adopt: false,
      deleteGracePeriodMs: 30 * DAY,
      now: NOW,
      outOfScopeSince: {},
      brake: { percent: 5, minimum: 10 },
      ...policy,
    },
  );
}

const owned = (id: string, over: Partial<TargetUser> = {}) => targetUser(id, { externalId: ext(id), ...over });
const ownedGroup = (id: string, over: Partial<TargetGroup> = {}) => targetGroup(id, { externalId: ext(id), ...over });

describe('planChanges', () => {
  it('plans nothing when AWS already matches the source', () => {
    const p = plan(snapshot([user('a'), user('b')], [group('g', ['a', 'b'])]), {
      users: [owned('a'), owned('b')],
      groups: [ownedGroup('g')],
      members: { 'aws-g-g': ['aws-a', 'aws-b'] },
    });
    expect(p.operations).toEqual([]);
  });

  it('creates users, then the group with its members in the POST (DG/creategroup), by externalId', () => {
    const p = plan(snapshot([user('a')], [group('g', ['a'])]));
    expect(p.operations.map((o) => o.kind)).toEqual(['createUser', 'createGroup']);
    expect(p.operations[1]).toMatchObject({ externalId: ext('g'), members: [{ externalId: ext('a') }] });
    expect(p.membershipChanges).toEqual({ add: 1, remove: 0 });
  });

  it('puts the first 100 members of a new group in the POST and the rest in PATCHes of at most 100', () => {
    const ids = Array.from({ length: 250 }, (_, i) => `u${String(i).padStart(3, '0')}`);
    const p = plan(
      snapshot(
        ids.map((id) => user(id)),
        [group('g', ids)],
      ),
    );
    const create = p.operations.find((o) => o.kind === 'createGroup');
    const adds = p.operations.filter((o) => o.kind === 'addMembers');
    expect(create?.members?.map((m) => m.externalId)).toEqual(ids.slice(0, 100).map((id) => ext(id)));
    expect(adds.map((o) => o.members.length)).toEqual([100, 50]);
    expect(adds.flatMap((o) => o.members.map((m) => m.externalId))).toEqual(ids.slice(100).map((id) => ext(id)));
  });

  it('gives inline members only to the group being created, never to another group', () => {
    const p = plan(snapshot([user('a'), user('b')], [group('empty', []), group('kept', ['a', 'b'])]), {
      users: [owned('a'), owned('b')],
      groups: [ownedGroup('kept')],
      members: { 'aws-g-kept': ['aws-a'] },
    });
    expect(p.operations).toEqual([
      { kind: 'createGroup', externalId: ext('empty'), displayName: 'Group empty' },
      {
        kind: 'addMembers',
        group: { externalId: ext('kept'), id: 'aws-g-kept', name: 'Group kept' },
        members: [{ externalId: ext('b'), id: 'aws-b', name: 'b@example.com' }],
      },
    ]);
  });

  it("creates groups empty and adds every member by PATCH with groupCreateMembers 'patch'", () => {
    const p = plan(snapshot([user('a')], [group('g', ['a'])]), {}, { groupCreateMembers: 'patch' });
    expect(p.operations.map((o) => o.kind)).toEqual(['createUser', 'createGroup', 'addMembers']);
    expect(p.operations[1]).not.toHaveProperty('members');
    expect(p.operations[2]).toMatchObject({ group: { externalId: ext('g') }, members: [{ externalId: ext('a') }] });
  });

  it('renames a user with a PATCH on the same AWS id, never delete + create', () => {
    const p = plan(snapshot([user('a', { userName: 'alice.new@example.com' })]), { users: [owned('a')] });
    expect(p.operations).toEqual([
      {
        kind: 'patchUser',
        target: { externalId: ext('a'), id: 'aws-a', name: 'a@example.com' },
        changes: [{ path: 'userName', value: 'alice.new@example.com', from: 'a@example.com' }],
      },
    ]);
  });

  it('renames a group with a PATCH on the same AWS id', () => {
    const p = plan(snapshot([], [group('g', [], [], { displayName: 'Platform' })]), { groups: [ownedGroup('g')] });
    expect(p.operations).toEqual([
      {
        kind: 'renameGroup',
        target: { externalId: ext('g'), id: 'aws-g-g', name: 'Group g' },
        from: 'Group g',
        displayName: 'Platform',
      },
    ]);
  });

  it('does not bind a recycled email to the old AWS user of a different immutable id', () => {
    const p = plan(
      snapshot([user('new-person', { userName: 'old@example.com', emails: [{ value: 'old@example.com' }] })]),
      {
        users: [
          owned('old-person', { userName: 'old@example.com', emails: [{ value: 'old@example.com', primary: true }] }),
        ],
      },
    );
    expect(p.operations).toEqual([
      {
        kind: 'deactivateUser',
        target: { externalId: ext('old-person'), id: 'aws-old-person', name: 'old@example.com' },
        reason: 'left-scope',
      },
    ]);
    expect(p.findings).toContainEqual(expect.objectContaining({ externalId: ext('new-person'), action: 'conflict' }));
  });

  it('chunks 100 members into one PATCH and 101 into two', () => {
    const ids = Array.from({ length: 101 }, (_, i) => `u${String(i).padStart(3, '0')}`);
    const existing = { groups: [ownedGroup('g')] };
    const hundred = plan(
      snapshot(
        ids.slice(0, 100).map((id) => user(id)),
        [group('g', ids.slice(0, 100))],
      ),
      existing,
    );
    const adds100 = hundred.operations.filter((o) => o.kind === 'addMembers');
    expect(adds100.map((o) => o.kind === 'addMembers' && o.members.length)).toEqual([100]);
    const hundredOne = plan(
      snapshot(
        ids.map((id) => user(id)),
        [group('g', ids)],
      ),
      existing,
    );
    const adds101 = hundredOne.operations.filter((o) => o.kind === 'addMembers');
    expect(adds101.map((o) => o.kind === 'addMembers' && o.members.length)).toEqual([100, 1]);
  });

  it('never touches objects outside our externalId namespace', () => {
    const p = plan(snapshot([user('a')]), {
      users: [
        owned('a'),
        targetUser('admin', { userName: 'Administrator' }),
        targetUser('x', { externalId: 'other-tool:x' }),
      ],
      groups: [targetGroup('ct', { displayName: 'AWSControlTowerAdmins' }), targetGroup('hand')],
    });
    expect(p.operations).toEqual([]);
  });

  it('deactivates a user who left scope and deletes only after the grace period', () => {
    const fresh = plan(snapshot([user('a')]), { users: [owned('a'), owned('gone')] });
    expect(fresh.operations).toEqual([
      {
        kind: 'deactivateUser',
        target: { externalId: ext('gone'), id: 'aws-gone', name: 'gone@example.com' },
        reason: 'left-scope',
      },
    ]);
    const inactive = owned('gone', { active: false });
    const early = plan(
      snapshot([user('a')]),
      { users: [owned('a'), inactive] },
      { outOfScopeSince: { [ext('gone')]: new Date(NOW - 29 * DAY).toISOString() } },
    );
    expect(early.operations).toEqual([]);
    expect(early.findings).toContainEqual(
      expect.objectContaining({ externalId: ext('gone'), action: 'pending-delete' }),
    );
    const late = plan(
      snapshot([user('a')]),
      { users: [owned('a'), inactive] },
      { outOfScopeSince: { [ext('gone')]: new Date(NOW - 31 * DAY).toISOString() } },
    );
    expect(late.operations.map((o) => o.kind)).toEqual(['deleteUser']);
  });

  it('never deactivates an in-scope user that was skipped for invalid data, nor drops its memberships', () => {
    const p = plan(snapshot([user('a'), user('bad', { userName: 'bad:name' })], [group('g', ['a', 'bad'])]), {
      users: [owned('a'), owned('bad', { userName: 'bad@example.com' })],
      groups: [ownedGroup('g')],
      members: { 'aws-g-g': ['aws-a', 'aws-bad'] },
    });
    expect(p.operations).toEqual([]);
    expect(p.findings).toContainEqual(
      expect.objectContaining({ externalId: ext('bad'), action: 'skipped', field: 'userName' }),
    );
  });

  it('keeps hand-added members of a managed group', () => {
    const p = plan(snapshot([user('a')], [group('g', ['a'])]), {
      users: [owned('a'), targetUser('hand')],
      groups: [ownedGroup('g')],
      members: { 'aws-g-g': ['aws-a', 'aws-hand'] },
    });
    expect(p.operations).toEqual([]);
  });

  it('blocks the plan at threshold 3 with 4 removals and passes with 3', () => {
    const members = ['a', 'b', 'c', 'd', 'e'];
    const current = {
      users: members.map((m) => owned(m)),
      groups: [ownedGroup('g')],
      members: { 'aws-g-g': members.map((m) => `aws-${m}`) },
    };
    const four = plan(
      snapshot(
        members.map((m) => user(m)),
        [group('g', ['a'])],
      ),
      current,
      { brake: { percent: 5, minimum: 10, absolute: 3 } },
    );
    expect(four.brake).toMatchObject({ destructive: 4, threshold: 3, blocked: true });
    const three = plan(
      snapshot(
        members.map((m) => user(m)),
        [group('g', ['a', 'b'])],
      ),
      current,
      { brake: { percent: 5, minimum: 10, absolute: 3 } },
    );
    expect(three.brake).toMatchObject({ destructive: 3, blocked: false });
  });

  it('uses max(5 % of managed objects, 10) as the default threshold', () => {
    const users = Array.from({ length: 400 }, (_, i) => owned(`u${i}`));
    const p = plan(snapshot(users.slice(0, 379).map((u) => user(u.externalId!.split('/')[1]!))), { users });
    expect(p.brake).toMatchObject({ destructive: 21, threshold: 20, managedObjects: 400, blocked: true });
  });

  it('adopts a pre-existing user without externalId only in adopt mode', () => {
    const current = { users: [targetUser('a')] };
    expect(plan(snapshot([user('a')]), current).operations).toEqual([]);
    const adopted = plan(snapshot([user('a')]), current, { adopt: true });
    expect(adopted.operations).toEqual([
      {
        kind: 'adoptUser',
        target: { externalId: ext('a'), id: 'aws-a', name: 'a@example.com' },
        changes: [{ path: 'externalId', value: ext('a'), from: null }],
      },
    ]);
  });

  it('gives the same hash for the same inputs and a different one when the plan differs', () => {
    const a = plan(snapshot([user('a'), user('b')], [group('g', ['a', 'b'])]));
    const b = plan(snapshot([user('b'), user('a')], [group('g', ['b', 'a'])]));
    const c = plan(snapshot([user('a')], [group('g', ['a'])]));
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
  });

  it('flattens nested groups and terminates on a cycle', () => {
    const snap = snapshot([user('a'), user('b')], [group('x', ['a'], ['y']), group('y', ['b'], ['x'])]);
    const p = plan(snap);
    const creates = p.operations.filter((o) => o.kind === 'createGroup');
    expect(creates.map((o) => o.members?.map((m) => m.externalId))).toEqual([
      [ext('a'), ext('b')],
      [ext('a'), ext('b')],
    ]);
    expect(p.findings.filter((f) => f.reason.includes('cycle'))).toHaveLength(2);
  });

  it('reactivates a returning user and deactivates one disabled in the source', () => {
    const p = plan(snapshot([user('back'), user('off', { active: false })]), {
      users: [owned('back', { active: false }), owned('off')],
    });
    expect(p.operations).toEqual([
      {
        kind: 'patchUser',
        target: { externalId: ext('back'), id: 'aws-back', name: 'back@example.com' },
        changes: [{ path: 'active', value: true, from: false }],
      },
      {
        kind: 'deactivateUser',
        target: { externalId: ext('off'), id: 'aws-off', name: 'off@example.com' },
        reason: 'disabled-in-source',
      },
    ]);
  });

  it('compares names after NFC so an NFD spelling does not update every run', () => {
    const nfd = 'Jose\u0301';
    const p = plan(snapshot([user('j', { displayName: nfd })]), { users: [owned('j', { displayName: 'Jos\u00e9' })] });
    expect(p.operations).toEqual([]);
  });

  it('reports source entries the source could not turn into objects, with the DN in its own field', () => {
    const snap = {
      ...snapshot([user('a')]),
      skipped: [{ object: 'user' as const, ref: 'uid=ghost,ou=people', reason: 'no entryUUID' }],
    };
    const p = plan(snap);
    const finding = p.findings.find((f) => f.reason === 'no entryUUID');
    expect(finding).toEqual({
      object: 'user',
      action: 'skipped',
      reason: 'no entryUUID',
      source: SOURCE_ID,
      ref: 'uid=ghost,ou=people',
    });
  });

  it('reports a source notice as a finding of that source', () => {
    const notices = [
      { object: 'source' as const, action: 'warning' as const, field: 'url', reason: 'bind over plain ldap://' },
    ];
    const p = plan({ ...snapshot([user('a')]), notices });
    expect(p.findings).toContainEqual({
      object: 'source',
      action: 'warning',
      field: 'url',
      reason: 'bind over plain ldap://',
      source: SOURCE_ID,
    });
  });
});
