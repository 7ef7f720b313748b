import { describe, expect, it } from 'vitest';
import { ext, snapshot, SOURCE_ID, targetUser, user } from '../../test/helpers/builders.js';
import type { TargetUser } from '../model/aws.js';
import { ownershipPrefix } from '../model/ids.js';
import type { User } from '../model/user.js';
import { buildDesiredState } from './desired.js';
import { MANAGER_PATH } from './plan-managers.js';
import { planChanges } from './planner.js';

function plan(users: User[], current: TargetUser[] = [], targeted = false) {
  const state = { users: current, groups: [], members: new Map<string, Set<string>>() };
  const options = { nameFallback: 'derive' as const, maxNestingDepth: 10, keepUnlistedMembers: targeted };
  const desired = buildDesiredState([snapshot(users)], state, options);
  return planChanges(desired, state, {
    managedPrefixes: [ownershipPrefix(SOURCE_ID)],
    adopt: false,
    deleteGracePeriodMs: 0,
    now: 0,
    outOfScopeSince: {},
    brake: { percent: 100, minimum: 1000 },
    ...(targeted ? { scope: new Set<string>(users.map((u) => u.externalId)) } : {}),
  });
}

const owned = (id: string, over: Partial<TargetUser> = {}) => targetUser(id, { externalId: ext(id), ...over });
const reportsTo = (id: string) => ({ manager: { ref: id, externalId: ext(id) } });

// Plans carry names and old values for people reading them (src/diff/labels.ts); these tests check what is applied.
describe('manager planning', () => {
  it('sets the manager AWS id in the user PATCH when both users exist', () => {
    const p = plan([user('ann', reportsTo('bob')), user('bob')], [owned('ann'), owned('bob')]);
    expect(p.operations).toMatchObject([
      {
        kind: 'patchUser',
        target: { externalId: ext('ann'), id: 'aws-ann' },
        changes: [{ path: MANAGER_PATH, value: { value: 'aws-bob' } }],
      },
    ]);
    expect(
      plan([user('ann', reportsTo('bob')), user('bob')], [owned('ann', { managerId: 'aws-bob' }), owned('bob')])
        .operations,
    ).toEqual([]);
  });

  it('sets the manager in a second pass when the manager is created in the same run', () => {
    const p = plan([user('ann', reportsTo('bob')), user('bob')], [owned('ann')]);
    expect(p.operations.map((op) => op.kind)).toEqual(['createUser', 'setManager']);
    expect(p.operations[1]).toMatchObject({
      kind: 'setManager',
      user: { externalId: ext('ann'), id: 'aws-ann' },
      manager: { externalId: ext('bob') },
    });
  });

  it('sets the manager of a user created in this run after the creates', () => {
    const p = plan([user('ann', reportsTo('bob')), user('bob')], [owned('bob')]);
    expect(p.operations.map((op) => op.kind)).toEqual(['createUser', 'setManager']);
    expect(p.operations[1]).toMatchObject({ user: { externalId: ext('ann') }, manager: { id: 'aws-bob' } });
  });

  it('reports a manager out of scope and leaves the manager in AWS as it is', () => {
    const p = plan([user('ann', { manager: { ref: 'cn=boss,o=elsewhere' } })], [owned('ann', { managerId: 'aws-x' })]);
    expect(p.operations).toEqual([]);
    expect(p.findings).toContainEqual({
      object: 'user',
      externalId: ext('ann'),
      action: 'warning',
      field: 'enterprise.manager',
      reason:
        'manager "cn=boss,o=elsewhere" is not a user this run syncs (out of scope or skipped); the manager in AWS is left as it is',
    });
  });

  it('clears the manager when the mapping gives none, and leaves it alone when nothing maps it', () => {
    const cleared = plan([user('ann', { manager: null })], [owned('ann', { managerId: 'aws-x' })]);
    expect(cleared.operations).toMatchObject([
      {
        kind: 'patchUser',
        target: { externalId: ext('ann'), id: 'aws-ann' },
        changes: [{ path: MANAGER_PATH, value: null }],
      },
    ]);
    expect(
      plan([user('ann')], [owned('ann', { managerId: 'aws-x', profileUrl: 'example.com/ann' })]).operations,
    ).toEqual([]);
  });

  it('in a targeted run, finds a manager it did not re-read in AWS, and reports one AWS does not hold', () => {
    const found = plan([user('ann', reportsTo('bob'))], [owned('ann'), owned('bob')], true);
    expect(found.operations).toMatchObject([
      {
        kind: 'patchUser',
        target: { externalId: ext('ann'), id: 'aws-ann' },
        changes: [{ path: MANAGER_PATH, value: { value: 'aws-bob' } }],
      },
    ]);
    const missing = plan([user('ann', reportsTo('bob'))], [owned('ann')], true);
    expect(missing.operations).toEqual([]);
    expect(missing.findings).toContainEqual({
      object: 'user',
      externalId: ext('ann'),
      action: 'warning',
      field: 'enterprise.manager',
      reason: `manager ${ext('bob')} is not a user icsync manages in AWS; the manager in AWS is left as it is`,
    });
  });
});
