import { describe, expect, it } from 'vitest';
import { ext, group, snapshot, SOURCE_ID, targetGroup, targetUser, user } from '../../test/helpers/builders.js';
import type { OwnershipTest, TargetGroup, TargetUser, TakeoverMatch } from '../model/aws.js';
import { ownershipPrefix } from '../model/ids.js';
import type { Snapshot } from '../model/snapshot.js';
import { buildDesiredState } from './desired.js';
import { claimForeignObjects } from './ownership.js';
import { planChanges } from './planner.js';

/** Entra object ids are GUIDs; Okta ids look like `00u…` (users) and `00g…` (groups). */
const ALICE = '6e1c2f0a-58b3-4d2e-9f41-0c7a1b2d3e4f';
const BOB = '00ub1q9yfsRSfO91a5d7';
const TEAM = '0f5a5c2e-2b1d-4c47-9a51-6f3e2c8d9b10';

const isOwned: OwnershipTest = (e): e is string => e !== undefined && e.startsWith(ownershipPrefix(SOURCE_ID));
const rules = (match: TakeoverMatch = 'externalId') => new Map([[SOURCE_ID, match]]);
const claimUsers = (users: TargetUser[], desired: { externalId: string; name: string }[], match?: TakeoverMatch) =>
  claimForeignObjects(users, desired, rules(match), { isOwned, nameOf: (u) => u.userName });

describe('takeover: which AWS objects a source recognizes as its own', () => {
  it('claims an object whose foreign externalId is the immutable id, keeping its AWS id and the foreign id', () => {
    const [alice] = claimUsers(
      [targetUser('alice', { externalId: ALICE })],
      [{ externalId: ext(ALICE), name: 'alice@example.com' }],
    );
    expect(alice).toMatchObject({
      id: 'aws-alice',
      externalId: ext(ALICE),
      takeover: { from: ALICE, match: 'externalId' },
    });
  });

  it('leaves alone a foreign id that does not match, no externalId at all, and objects already ours', () => {
    const objects = [
      targetUser('other', { externalId: '11111111-2222-4333-8444-555555555555' }),
      targetUser('hand-made'),
      targetUser('ours', { externalId: ext('ours') }),
      targetUser('prefix', { externalId: `${ALICE}-suffix` }),
    ];
    const desired = [ALICE, 'ours'].map((id) => ({ externalId: ext(id), name: `${id}@example.com` }));
    expect(claimUsers(objects, desired)).toEqual(objects);
  });

  it('only for sources with a takeover rule', () => {
    const objects = [targetUser('alice', { externalId: ALICE })];
    const desired = [{ externalId: ext(ALICE, 'other-src'), name: 'alice@example.com' }];
    expect(claimUsers(objects, desired)).toEqual(objects);
  });

  it('externalId+name also needs the userName, compared case-insensitively as AWS does', () => {
    const objects = [
      targetUser('alice', { externalId: ALICE, userName: 'Alice@Example.com' }),
      targetUser('bob', { externalId: BOB, userName: 'robert@example.com' }),
    ];
    const desired = [
      { externalId: ext(ALICE), name: 'alice@example.com' },
      { externalId: ext(BOB), name: 'bob@example.com' },
    ];
    const [alice, bob] = claimUsers(objects, desired, 'externalId+name');
    expect(alice?.externalId).toBe(ext(ALICE));
    expect(bob).toEqual(objects[1]);
  });

  it('never gives one identity two AWS objects: not when ours exists already, nor when two sources name the id', () => {
    const already = [targetUser('ours', { externalId: ext(ALICE) }), targetUser('alice', { externalId: ALICE })];
    expect(claimUsers(already, [{ externalId: ext(ALICE), name: 'x' }])).toEqual(already);
    const twoSources = claimForeignObjects(
      [targetUser('alice', { externalId: ALICE })],
      [
        { externalId: ext(ALICE), name: 'x' },
        { externalId: ext(ALICE, 'second-src'), name: 'x' },
      ],
      new Map<string, TakeoverMatch>([
        [SOURCE_ID, 'externalId'],
        ['second-src', 'externalId'],
      ]),
      { isOwned, nameOf: (u) => u.userName },
    );
    expect(twoSources[0]?.takeover).toBeUndefined();
  });
});

function plan(
  snap: Snapshot,
  users: TargetUser[],
  groups: TargetGroup[],
  members: Record<string, string[]>,
  match?: TakeoverMatch,
) {
  const desired = buildDesiredState([snap], { users, groups }, { nameFallback: 'derive', maxNestingDepth: 10 });
  const r = rules(match);
  const claimed = {
    users: claimForeignObjects(
      users,
      desired.users.map((u) => ({ externalId: u.externalId, name: u.userName })),
      r,
      { isOwned, nameOf: (u) => u.userName },
    ),
    groups: claimForeignObjects(
      groups,
      desired.groups.map((g) => ({ externalId: g.externalId, name: g.displayName })),
      r,
      { isOwned, nameOf: (g) => g.displayName },
    ),
  };
  return planChanges(
    desired,
    { ...claimed, members: new Map(Object.entries(members).map(([k, v]) => [k, new Set(v)])) },
    {
      managedPrefixes: [ownershipPrefix(SOURCE_ID)],
      adopt: false,
      deleteGracePeriodMs: 30 * 86_400_000,
      now: Date.parse('2026-06-01T00:00:00Z'),
      outOfScopeSince: {},
      brake: { percent: 5, minimum: 10 },
      takeover: r,
    },
  );
}

describe('takeover plans', () => {
  const snap = snapshot([user(ALICE, { userName: 'alice@example.com' })], [group(TEAM, [ALICE])]);
  const awsAlice = targetUser('alice', {
    externalId: ALICE,
    userName: 'alice@example.com',
    displayName: `User ${ALICE}`,
    name: { givenName: 'User', familyName: ALICE },
    emails: [{ value: `${ALICE}@example.com`, type: 'work', primary: true }],
  });
  const awsTeam = targetGroup('team', { externalId: TEAM, displayName: `Group ${TEAM}` });

  it('PATCHes the externalId in place on the same AWS ids: no create, no delete, the memberships kept', () => {
    const p = plan(snap, [awsAlice], [awsTeam], { 'aws-g-team': ['aws-alice'] });
    expect(p.operations).toEqual([
      {
        kind: 'migrateExternalId',
        object: 'group',
        target: { externalId: ext(TEAM), id: 'aws-g-team', name: awsTeam.displayName },
        from: TEAM,
        takeover: 'externalId',
      },
      {
        kind: 'migrateExternalId',
        object: 'user',
        target: { externalId: ext(ALICE), id: 'aws-alice', name: awsAlice.userName },
        from: ALICE,
        takeover: 'externalId',
      },
    ]);
    expect(p.brake).toMatchObject({ takeovers: 2, destructive: 0, blocked: false });
  });

  it('counts takeovers against the brake threshold: more than it holds the whole plan', () => {
    const ids = Array.from({ length: 11 }, (_, n) => `00u${String(n).padStart(17, '0')}`);
    const p = plan(
      snapshot(ids.map((id) => user(id))),
      ids.map((id) => targetUser(id, { externalId: id })),
      [],
      {},
    );
    expect(p.brake).toMatchObject({ takeovers: 11, threshold: 10, blocked: true });
    expect(p.counts.createUser).toBe(0);
  });

  it('an object carrying our id whose name differs (externalId+name) is neither overwritten nor duplicated', () => {
    const renamed = { ...awsAlice, userName: 'someone.else@example.com' };
    const p = plan(snap, [renamed], [awsTeam], { 'aws-g-team': [] }, 'externalId+name');
    expect(p.operations.filter((o) => o.kind !== 'migrateExternalId' || o.object !== 'group')).toEqual([]);
    expect(p.findings).toContainEqual(
      expect.objectContaining({
        object: 'user',
        externalId: ext(ALICE),
        action: 'conflict',
        field: 'externalId',
        reason: expect.stringContaining('userName "someone.else@example.com" differs') as unknown,
      }),
    );
    expect(p.findings).toContainEqual(expect.objectContaining({ object: 'membership', action: 'skipped' }));
  });
});
