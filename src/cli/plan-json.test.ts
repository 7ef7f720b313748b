import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validate, type Schema } from '../../test/helpers/json-schema.js';
import { planHash, type Operation, type Plan } from '../diff/index.js';
import type { DesiredUser } from '../model/aws.js';
import { asScimId, type ExternalId } from '../model/ids.js';
import { STATUS_EXIT_CODES } from '../sync/exit-codes.js';
import type { RunReport } from '../sync/report.js';
import { planJson, PLAN_JSON_SCHEMA_VERSION } from './plan-json.js';

const schema = JSON.parse(readFileSync(new URL('../../docs/plan.schema.json', import.meta.url), 'utf8')) as Schema;

const ref = (n: string, name?: string) => ({
  externalId: `hr/${n}`,
  id: asScimId(`aws-${n}`),
  ...(name ? { name } : {}),
});
const alice: DesiredUser = {
  externalId: 'hr/alice' as ExternalId,
  userName: 'alice@example.com',
  displayName: 'Alice',
  name: { givenName: 'Alice', familyName: 'Liddell' },
  title: 'Engineer',
  emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
  addresses: [{ type: 'work', locality: 'Oxford', country: 'GB' }],
  enterprise: { department: 'Platform' },
  active: true,
  // Set only by a mapping (docs/attribute-mapping.md): the manager's externalId, the profile URL.
  manager: 'hr/m' as ExternalId,
  profileUrl: 'example.com/alice',
};

/** One operation of every kind, with names and old values where the planner puts them. */
const operations: Operation[] = [
  { kind: 'migrateExternalId', object: 'user', target: ref('m', 'm@example.com'), from: 'hr:m' },
  { kind: 'createUser', user: alice },
  {
    kind: 'adoptUser',
    target: ref('a', 'a@example.com'),
    changes: [{ path: 'externalId', value: 'hr/a', from: null }],
  },
  {
    kind: 'patchUser',
    target: ref('b', 'b@example.com'),
    changes: [
      { path: 'displayName', value: 'Bea', from: 'Bee' },
      { path: 'emails', value: null, from: [{ value: 'b@example.com', type: 'work', primary: true }] },
      { path: 'active', value: true, from: false },
    ],
  },
  { kind: 'createGroup', externalId: 'hr/new', displayName: 'New' },
  { kind: 'adoptGroup', target: ref('ag', 'Ops'), displayName: 'Ops' },
  { kind: 'renameGroup', target: ref('g', 'Old'), from: 'Old', displayName: 'New name' },
  {
    kind: 'addMembers',
    group: { externalId: 'hr/new', name: 'New' },
    members: [{ externalId: 'hr/alice', name: 'alice@example.com' }, ref('b', 'b@example.com')],
  },
  { kind: 'removeMembers', group: ref('g', 'Old'), members: [ref('c', 'c@example.com')] },
  { kind: 'deactivateUser', target: ref('c', 'c@example.com'), reason: 'left-scope' },
  { kind: 'deleteGroup', target: ref('dg', 'Gone'), displayName: 'Gone' },
  { kind: 'deleteUser', target: ref('d', 'd@example.com'), userName: 'd@example.com' },
  { kind: 'setManager', user: ref('a', 'a@example.com'), manager: ref('m', 'm@example.com') },
];

const counts = Object.fromEntries(operations.map((o) => [o.kind, 1])) as Plan['counts'];
const plan: Plan = {
  operations,
  findings: [],
  counts,
  membershipChanges: { add: 2, remove: 1 },
  brake: { destructive: 4, takeovers: 0, threshold: 10, managedObjects: 12, blocked: false },
  hash: planHash(operations),
};

const report: RunReport = {
  runId: 'b3c1d6f0-0000-4000-8000-000000000000',
  mode: 'sync',
  status: 'partial-failure',
  exitCode: 4,
  message: '1 operation(s) failed; the rest were applied.',
  startedAt: '2026-06-01T00:00:00.000Z',
  finishedAt: '2026-06-01T00:00:05.000Z',
  timingsMs: { readSources: 3, readTarget: 20, readMemberships: 4, plan: 1, apply: 4000 },
  sources: [{ id: 'hr', kind: 'file', users: 5, groups: 3 }],
  target: { users: 5, groups: 3, membershipsRead: 2, membershipsAssumed: 1 },
  plan: {
    hash: plan.hash,
    operations: operations.length,
    counts,
    membershipChanges: plan.membershipChanges,
    brake: plan.brake,
  },
  applied: {
    applied: 11,
    failed: 1,
    skipped: 0,
    byKind: { deleteUser: { applied: 0, failed: 1, skipped: 0 } },
    throttledMs: 1500,
    failures: [
      {
        index: 11,
        kind: 'deleteUser',
        externalId: 'hr/d',
        status: 'failed',
        attempts: 5,
        error: { code: 'SCIM_ERROR', status: 500, requestId: 'r-1', message: 'Internal' },
      },
    ],
    migrated: [
      { index: 0, kind: 'migrateExternalId', externalId: 'hr/m', status: 'applied', attempts: 1, note: 'hr:m' },
    ],
    notes: [],
  },
  findings: [
    { object: 'user', externalId: 'hr/x', action: 'altered', field: 'title', reason: 'removed characters AWS rejects' },
    { object: 'source', source: 'hr', ref: 'row 7', action: 'skipped', count: 2, reason: 'no immutable id' },
  ],
};

describe('the --json document', () => {
  it('lists every run status the program reports, and no other', () => {
    const report = (schema as { $defs: Record<string, { properties: Record<string, { enum?: string[] }> }> }).$defs
      .report;
    expect([...(report?.properties.status?.enum ?? [])].sort()).toEqual(Object.keys(STATUS_EXIT_CODES).sort());
  });

  it('is valid for a run that ended before planning: the report, plan null', () => {
    const early: RunReport = { ...report, status: 'no-worker', exitCode: STATUS_EXIT_CODES['no-worker'] };
    delete (early as Partial<RunReport>).plan;
    delete (early as Partial<RunReport>).applied;
    expect(validate(schema, JSON.parse(planJson({ report: early })))).toEqual([]);
  });

  it('carries schemaVersion and, with every operation kind, conforms to docs/plan.schema.json', () => {
    const doc = JSON.parse(planJson({ report, plan })) as Record<string, unknown>;
    expect(doc.schemaVersion).toBe(PLAN_JSON_SCHEMA_VERSION);
    expect(validate(schema, doc)).toEqual([]);
    expect(validate(schema, JSON.parse(planJson({ report: { ...report, mode: 'diff' } })))).toEqual([]);
  });

  it('names the sources the shrink guard holds the plan for, and stays valid', () => {
    const shrinkHold = [
      { guard: 'shrink' as const, reason: 'r', sourceId: 'hr', kind: 'users' as const, before: 100, now: 5 },
    ];
    const doc = JSON.parse(planJson({ report, plan, shrinkHold })) as { plan: { shrinkGuard?: unknown } };
    expect(doc.plan.shrinkGuard).toEqual([{ sourceId: 'hr', kind: 'users', before: 100, now: 5 }]);
    expect(validate(schema, doc)).toEqual([]);
  });

  it('fails validation for a field the schema does not describe, a missing version or a wrong kind', () => {
    const doc = JSON.parse(planJson({ report, plan })) as { schemaVersion?: number; plan: { operations: object[] } };
    const extra = structuredClone(doc);
    (extra.plan.operations[0] as Record<string, unknown>).surprise = 1;
    expect(validate(schema, extra).join('\n')).toContain('matches no oneOf branch');
    const unversioned = structuredClone(doc);
    delete unversioned.schemaVersion;
    expect(validate(schema, unversioned)).toContain(': lacks required "schemaVersion"');
    const wrongKind = structuredClone(doc);
    (wrongKind.plan.operations[1] as Record<string, unknown>).kind = 'replaceUser';
    expect(validate(schema, wrongKind)).not.toEqual([]);
  });
});
