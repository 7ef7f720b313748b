import { describe, expect, it } from 'vitest';
import type { DesiredUser } from '../model/aws.js';
import type { ExternalId, ScimId } from '../model/ids.js';
import type { Address, EnterpriseInfo, PersonName } from '../model/user.js';
import { KIND_TAGS, planHash } from './hash.js';
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

// Every attribute set (`satisfies Required<…>`: a new model attribute must be added here, and is then checked below).
const name = {
  givenName: 'Ada',
  familyName: 'Lovelace',
  middleName: 'King',
  formatted: 'Ada King Lovelace',
  honorificPrefix: 'Lady',
  honorificSuffix: 'II',
} satisfies Required<PersonName>;
const enterprise = {
  employeeNumber: '7',
  costCenter: 'cc',
  organization: 'org',
  division: 'div',
  department: 'dep',
} satisfies Required<EnterpriseInfo>;
const address = {
  type: 'work',
  streetAddress: '1 Main St',
  locality: 'Town',
  region: 'R',
  postalCode: '12345',
  country: 'GB',
  formatted: '1 Main St, Town',
  primary: true,
} satisfies Required<Address>;
const { createdAt: _unsent, ...fullUser } = {
  externalId: 'hr/ada' as ExternalId,
  userName: 'ada@example.com',
  displayName: 'Ada Lovelace',
  name,
  nickName: 'ada',
  title: 'Countess',
  userType: 'Employee',
  preferredLanguage: 'en',
  locale: 'en-GB',
  timezone: 'Europe/London',
  emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '+44 1', type: 'work', primary: true }],
  addresses: [address],
  enterprise,
  active: true,
  profileUrl: 'https/example.com/ada',
  manager: 'hr/boss' as ExternalId,
  // Only breaks ties between colliding source objects; never sent.
  createdAt: '2020-01-01T00:00:00Z',
} satisfies Required<DesiredUser>;

const everyKind: Operation[] = [
  { kind: 'createUser', user: fullUser },
  {
    kind: 'migrateExternalId',
    object: 'user',
    target: { externalId: 'hr/a', id: id('u-a') },
    from: 'okta-1',
    takeover: 'externalId',
  },
  {
    kind: 'patchUser',
    target: { externalId: 'hr/b', id: id('u-b'), name: 'b@x' },
    changes: [{ path: 'emails', value: [{ value: 'b@x', type: 'work' }], from: null }],
  },
  {
    kind: 'adoptUser',
    target: { externalId: 'hr/c', id: id('u-c') },
    changes: [{ path: 'externalId', value: 'hr/c' }],
  },
  { kind: 'deactivateUser', target: { externalId: 'hr/d', id: id('u-d') }, reason: 'left-scope' },
  { kind: 'deleteUser', target: { externalId: 'hr/e', id: id('u-e') }, userName: 'e@x' },
  { kind: 'createGroup', externalId: 'hr/g1', displayName: 'G1' },
  { kind: 'adoptGroup', target: { externalId: 'hr/g2', id: id('g-2') }, displayName: 'G2' },
  { kind: 'renameGroup', target: { externalId: 'hr/g3', id: id('g-3') }, from: 'Old', displayName: 'G3' },
  { kind: 'deleteGroup', target: { externalId: 'hr/g4', id: id('g-4') }, displayName: 'G4' },
  {
    kind: 'addMembers',
    group: { externalId: 'hr/g5', id: id('g-5'), name: 'G5' },
    members: [
      { externalId: 'hr/a', id: id('u-a') },
      { externalId: 'hr/new', name: 'new@x' },
    ],
  },
  {
    kind: 'removeMembers',
    group: { externalId: 'hr/g6', id: id('g-6') },
    members: [{ externalId: 'hr/b', id: id('u-b') }],
  },
  { kind: 'setManager', user: { externalId: 'hr/a', id: id('u-a'), name: 'a@x' }, manager: { externalId: 'hr/m' } },
  {
    kind: 'createGroup',
    externalId: 'hr/g7',
    displayName: 'G7',
    members: [
      { externalId: 'hr/a', id: id('u-a'), name: 'a@x' },
      { externalId: 'hr/new', name: 'new@x' },
    ],
  },
];

/** Paths of every scalar in `value` (object keys and array indexes). */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [path];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k]));
}

function withLeaf(ops: Operation[], path: (string | number)[], change: (v: unknown) => unknown): Operation[] {
  const copy = structuredClone(ops);
  let parent = copy as unknown as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  parent[last] = change(parent[last]);
  return copy;
}

/** Another value; strings keep their length, so only their characters tell them apart. */
const other = (v: unknown): unknown =>
  typeof v === 'string'
    ? `${v.slice(0, -1)}${v.endsWith('x') ? 'y' : 'x'}`
    : typeof v === 'boolean'
      ? !v
      : typeof v === 'number'
        ? v + 1
        : 'x';

/** Fields only people read: names beside ids and the values AWS holds now in a patch. */
const displayOnly = (path: (string | number)[]): boolean =>
  (path[1] !== 'user' && path.at(-1) === 'name') ||
  (path[1] === 'user' && path.at(-1) === 'name' && path.length === 3) ||
  (path[1] === 'changes' && path.at(-1) === 'from');

/** Fields the planner sets from a closed set; changing one to another valid value must change the hash too. */
const alternatives: Record<string, unknown> = {
  kind: undefined,
  object: 'group',
  reason: 'disabled-in-source',
  takeover: 'externalId+name',
};

function deepReversed(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(deepReversed);
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, deepReversed(v)]),
  );
}

describe('planHash', () => {
  it('binds what is sent: names and the values AWS holds now do not change it', () => {
    expect(planHash(labelled)).toBe(planHash(sent));
  });

  it('changes when a value to send changes', () => {
    const changed = structuredClone(labelled);
    const patch = changed[0];
    if (patch?.kind !== 'patchUser') throw new Error('fixture');
    patch.changes[0]!.value = 'Person Uno';
    expect(planHash(changed)).not.toBe(planHash(labelled));
  });

  it('changes when any applied field of any kind of operation changes', () => {
    const base = planHash(everyKind);
    const paths = leaves(everyKind).filter((p) => !displayOnly(p) && p.at(-1) !== 'kind');
    for (const p of leaves(everyKind).filter(displayOnly)) {
      expect(planHash(withLeaf(everyKind, p, other)), p.join('.')).toBe(base);
    }
    expect(paths.length).toBeGreaterThan(60);
    for (const path of paths) {
      const field = String(path.at(-1));
      const next = field in alternatives && alternatives[field] !== undefined ? () => alternatives[field] : other;
      expect(planHash(withLeaf(everyKind, path, next)), path.join('.')).not.toBe(base);
    }
  });

  it('changes when an id is added or dropped, or an operation changes kind', () => {
    const base = planHash(everyKind);
    expect(planHash(withLeaf(everyKind, [10, 'members', 1, 'id'], () => 'u-new'))).not.toBe(base);
    expect(planHash(withLeaf(everyKind, [10, 'members', 0, 'id'], () => undefined))).not.toBe(base);
    expect(planHash(withLeaf(everyKind, [10, 'kind'], () => 'removeMembers'))).not.toBe(base);
    expect(planHash(withLeaf(everyKind, [0, 'user', 'nickName'], () => undefined))).not.toBe(base);
    expect(planHash(everyKind.slice(1))).not.toBe(base);
    const inline = everyKind.length - 1;
    expect(planHash(withLeaf(everyKind, [inline, 'members', 1, 'id'], () => 'u-new'))).not.toBe(base);
    expect(planHash(withLeaf(everyKind, [inline, 'members'], () => undefined))).not.toBe(base);
  });

  it('keeps member boundaries: the same characters split differently hash differently', () => {
    const group = { externalId: 'hr/g', id: id('g') };
    const split = (a: string, b: string): Operation[] => [
      {
        kind: 'addMembers',
        group,
        members: [
          { externalId: a, id: id(a) },
          { externalId: b, id: id(b) },
        ],
      },
    ];
    expect(planHash(split('hr/ab', 'hr/c'))).not.toBe(planHash(split('hr/a', 'bhr/c')));
    // Users this plan creates have no id yet: only the externalIds' lengths split them.
    const created = (a: string, b: string): Operation[] => [
      { kind: 'addMembers', group, members: [{ externalId: a }, { externalId: b }] },
    ];
    expect(planHash(created('hr/ab', 'hr/c'))).not.toBe(planHash(created('hr/a', 'bhr/c')));
  });

  it('keeps every field boundary: a character moved into the next string field changes it', () => {
    const base = planHash(everyKind);
    const strings = leaves(everyKind).filter((p) => !displayOnly(p) && p.at(-1) !== 'kind');
    const valueAt = (ops: Operation[], path: (string | number)[]): unknown =>
      path.reduce<unknown>((v, step) => (v as Record<string | number, unknown>)[step], ops);
    const texts = strings.filter((p) => typeof valueAt(everyKind, p) === 'string');
    expect(texts.length).toBeGreaterThan(40);
    for (let i = 0; i + 1 < texts.length; i++) {
      const [from, to] = [texts[i]!, texts[i + 1]!];
      const moved = String(valueAt(everyKind, from)).at(-1)!;
      const shifted = withLeaf(
        withLeaf(everyKind, from, (v) => String(v).slice(0, -1)),
        to,
        (v) => `${moved}${String(v)}`,
      );
      expect(planHash(shifted), `${from.join('.')} → ${to.join('.')}`).not.toBe(base);
    }
  });

  it('tells an absent optional value from an empty one', () => {
    const base = planHash(everyKind);
    expect(planHash(withLeaf(everyKind, [0, 'user', 'nickName'], () => ''))).not.toBe(
      planHash(withLeaf(everyKind, [0, 'user', 'nickName'], () => undefined)),
    );
    expect(planHash(withLeaf(everyKind, [10, 'members', 1, 'id'], () => ''))).not.toBe(base);
    expect(planHash(withLeaf(everyKind, [12, 'manager'], () => null))).not.toBe(base);
    expect(planHash(withLeaf(everyKind, [0, 'user', 'manager'], () => null))).not.toBe(
      planHash(withLeaf(everyKind, [0, 'user', 'manager'], () => undefined)),
    );
  });

  it('gives every kind of operation its own tag', () => {
    expect(new Set(Object.values(KIND_TAGS)).size).toBe(Object.keys(KIND_TAGS).length);
    for (const [a, b] of [
      ['patchUser', 'adoptUser'],
      ['adoptGroup', 'deleteGroup'],
    ] as const) {
      const i = everyKind.findIndex((op) => op.kind === a);
      expect(planHash(withLeaf(everyKind, [i, 'kind'], () => b)), `${a} → ${b}`).not.toBe(planHash(everyKind));
    }
  });

  it('does not depend on the order of object keys', () => {
    const changes = [{ path: 'addresses', value: [{ locality: 'Town', type: 'work', primary: true }] }];
    const reordered = deepReversed([
      ...everyKind,
      { kind: 'patchUser', target: { externalId: 'hr/z', id: id('u-z') }, changes },
    ]);
    expect(planHash(reordered as Operation[])).toBe(
      planHash([...everyKind, { kind: 'patchUser', target: { externalId: 'hr/z', id: id('u-z') }, changes }]),
    );
  });
});
