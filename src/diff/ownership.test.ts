import { describe, expect, it } from 'vitest';
import { ext, group, snapshot, SOURCE_ID, targetGroup, targetUser, user } from '../../test/helpers/builders.js';
import type { TargetGroup, TargetUser } from '../model/aws.js';
import { makeExternalId, ownershipPrefix } from '../model/ids.js';
import { buildDesiredState } from './desired.js';
import { claimLegacyObjects } from './ownership.js';
import { planChanges } from './planner.js';

const legacy = (id: string): string => `${SOURCE_ID}:${id}`;

function plan(
  users: TargetUser[],
  groups: TargetGroup[],
  members: Record<string, string[]>,
  snap = snapshot([user('a'), user('b')], [group('g', ['a', 'b'])]),
) {
  const current = { users: claimLegacyObjects(users, [SOURCE_ID]), groups: claimLegacyObjects(groups, [SOURCE_ID]) };
  const desired = buildDesiredState([snap], current, { nameFallback: 'derive', maxNestingDepth: 10 });
  const map = new Map(Object.entries(members).map(([k, v]) => [k, new Set(v)]));
  return planChanges(
    desired,
    { ...current, members: map },
    {
      managedPrefixes: [ownershipPrefix(SOURCE_ID)],
      adopt: false,
      deleteGracePeriodMs: 30 * 86_400_000,
      now: Date.parse('2026-06-01T00:00:00Z'),
      outOfScopeSince: {},
      brake: { percent: 5, minimum: 10 },
    },
  );
}

describe('externalId form (https://docs.aws.amazon.com/singlesignon/latest/userguide/provision-automatically.html: `< > ; : %` are invalid)', () => {
  it('builds `<sourceId>/<id>`: no character AWS rejects (https://github.com/suvera/keycloak-scim2-storage/issues/3)', () => {
    expect(makeExternalId('corp-ldap', '3f2a-11')).toBe('corp-ldap/3f2a-11');
    expect(ext('a')).not.toMatch(/[<>;:%]/);
  });

  it('skips and reports a source object whose immutable id AWS would refuse, and never rewrites it', () => {
    const bad = user('emp:7', { userName: 'emp7@example.com', emails: [] });
    const p = plan([], [], {}, snapshot([user('a'), bad], [group('g', ['a', 'emp:7']), group('x;y', [])]));
    expect(
      p.operations
        .filter((o) => o.kind === 'createUser')
        .map((o) => (o.kind === 'createUser' ? o.user.externalId : '')),
    ).toEqual([ext('a')]);
    expect(p.operations.filter((o) => o.kind === 'createGroup')).toHaveLength(1);
    expect(p.findings).toContainEqual(
      expect.objectContaining({ object: 'user', externalId: ext('emp:7'), action: 'skipped', field: 'externalId' }),
    );
    expect(p.findings).toContainEqual(
      expect.objectContaining({ object: 'group', externalId: ext('x;y'), action: 'skipped', field: 'externalId' }),
    );
  });
});

describe('objects an earlier version created as `<sourceId>:<id>`', () => {
  const users = [targetUser('a', { externalId: legacy('a') }), targetUser('b', { externalId: ext('b') })];
  const groups = [targetGroup('g', { externalId: legacy('g') })];

  it('are owned and moved to the new form by a planned PATCH in place, never delete + create', () => {
    const p = plan(users, groups, { 'aws-g-g': ['aws-a', 'aws-b'] });
    expect(p.operations).toEqual([
      {
        kind: 'migrateExternalId',
        object: 'user',
        target: { externalId: ext('a'), id: 'aws-a', name: 'a@example.com' },
        from: legacy('a'),
      },
      {
        kind: 'migrateExternalId',
        object: 'group',
        target: { externalId: ext('g'), id: 'aws-g-g', name: 'Group g' },
        from: legacy('g'),
      },
    ]);
    expect(p.counts.migrateExternalId).toBe(2);
    expect(p.brake.destructive).toBe(0);
  });

  it('are left alone when another object already carries the new form', () => {
    const claimed = claimLegacyObjects(
      [targetUser('x', { externalId: legacy('a') }), targetUser('a', { externalId: ext('a') })],
      [SOURCE_ID],
    );
    expect(claimed.map((u) => u.externalId)).toEqual([legacy('a'), ext('a')]);
  });

  it('of another tool are not claimed', () => {
    expect(claimLegacyObjects([targetUser('x', { externalId: 'other:1' })], [SOURCE_ID])[0]).not.toHaveProperty(
      'legacyExternalId',
    );
  });
});
