import { describe, expect, it } from 'vitest';
import { ext, group, snapshot, SOURCE_ID, targetGroup, targetUser, user } from '../../test/helpers/builders.js';
import { buildDesiredState, planChanges, type Plan } from '../diff/index.js';
import type { TargetGroup, TargetUser } from '../model/aws.js';
import { SCHEMA_ENTERPRISE_USER } from '../model/aws.js';
import { ownershipPrefix } from '../model/ids.js';
import type { Snapshot } from '../model/snapshot.js';
import { scrub } from '../log/scrub.js';
import { MEMBERS_PER_ROW, renderPlan, ROWS_PER_KIND } from './render-plan.js';

function plan(snap: Snapshot, users: TargetUser[] = [], groups: TargetGroup[] = []): Plan {
  const members = new Map(groups.map((g) => [g.id as string, new Set<string>()]));
  const desired = buildDesiredState([snap], { users, groups }, { nameFallback: 'derive', maxNestingDepth: 10 });
  return planChanges(
    desired,
    { users, groups, members },
    {
      managedPrefixes: [ownershipPrefix(SOURCE_ID)],
      adopt: false,
      deleteGracePeriodMs: 0,
      now: 0,
      outOfScopeSince: {},
      brake: { percent: 100, minimum: 1000 },
    },
  );
}

const owned = (id: string, over: Partial<TargetUser> = {}) => targetUser(id, { externalId: ext(id), ...over });

/** Alice renamed in the directory and moved department; AWS still holds the old values. */
const changedAlice = () =>
  plan(
    snapshot(
      [
        user('alice', {
          displayName: 'Alice Liddell-Smith',
          name: { givenName: 'Alice', familyName: 'Liddell-Smith' },
          emails: [{ value: 'alice@corp.example', type: 'work', primary: true }],
          enterprise: { department: 'Platform', employeeNumber: 'E-1001' },
        }),
      ],
      [group('g', ['alice'])],
    ),
    [
      owned('alice', {
        displayName: 'Alice Liddell',
        name: { givenName: 'Alice', familyName: 'Liddell' },
        emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
        enterprise: { department: 'Research', employeeNumber: 'E-1001' },
      }),
    ],
    [targetGroup('g', { externalId: ext('g'), displayName: 'Engineers' })],
  );

describe('renderPlan', () => {
  it('shows every changed attribute of a user as old → new, and no attribute that did not change', () => {
    const text = renderPlan(changedAlice());
    expect(text).toContain('alice@example.com (test-src/alice, aws-alice)');
    expect(text).toContain('"Alice Liddell" → "Alice Liddell-Smith"');
    expect(text).toMatch(/name\.familyName\s+"Liddell" → "Liddell-Smith"/);
    expect(text).toContain('["alice@example.com" (work, primary)] → ["alice@corp.example" (work, primary)]');
    expect(text).toMatch(/enterprise\.department\s+"Research" → "Platform"/);
    expect(text).not.toContain('employeeNumber');
    expect(text).not.toContain('givenName');
  });

  it('names the users and the group of a membership change as well as their ids', () => {
    const text = renderPlan(changedAlice());
    expect(text).toMatch(/addMembers\s+Engineers \(test-src\/g, aws-g-g\)\s+\+1 member\(s\)/);
    expect(text).toContain('+ alice@example.com (test-src/alice, aws-alice)');
  });

  it('lists a created user with every attribute it sets, and a group created in the same plan by name', () => {
    const text = renderPlan(plan(snapshot([user('bob')], [group('new', ['bob'])])));
    expect(text).toMatch(/createUser\s+bob@example.com \(test-src\/bob\)\s+new user/);
    expect(text).toMatch(/\+ displayName\s+"User bob"/);
    expect(text).toMatch(/createGroup\s+Group new \(test-src\/new\)\s+new group with \+1 member\(s\)/);
    expect(text).toContain('+ bob@example.com (test-src/bob)');
  });

  it('keeps a bounded number of rows per kind and says how many more and how to see them; --full shows all', () => {
    const ids = Array.from({ length: ROWS_PER_KIND + 4 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    const big = plan(
      snapshot(
        ids.map((id) => user(id)),
        [group('all', ids)],
      ),
    );
    const short = renderPlan(big);
    expect(short.match(/^createUser /gm)).toHaveLength(ROWS_PER_KIND);
    expect(short).toContain('… 4 more row(s) not shown (4 createUser)');
    expect(short).toContain('--full');
    expect(short).toContain(`… ${ids.length - MEMBERS_PER_ROW} more member(s)`);
    const full = renderPlan(big, { full: true });
    expect(full.match(/^createUser /gm)).toHaveLength(ids.length);
    for (const id of ids) expect(full).toContain(`+ ${id}@example.com (test-src/${id})`);
    expect(full).not.toContain('not shown');
  });

  it('masks names, emails and employee numbers with output.maskPii, and keeps department and ids readable', () => {
    const p = changedAlice();
    const patch = p.operations.find((o) => o.kind === 'patchUser');
    if (patch?.kind !== 'patchUser') throw new Error('fixture');
    patch.changes.push({ path: `${SCHEMA_ENTERPRISE_USER}:employeeNumber`, value: 'E-2002', from: 'E-1001' });
    const text = renderPlan(p, { maskPii: true });
    for (const secretish of ['Liddell', 'alice@example.com', 'corp.example', 'E-1001', 'E-2002'])
      expect(text).not.toContain(secretish);
    expect(text).toContain('"A***" → "A***"');
    expect(text).toContain('a*** (test-src/alice, aws-alice)');
    expect(text).toMatch(/enterprise\.department\s+"Research" → "Platform"/);
  });

  it('prints no secret: a configured secret or a credential in a directory value is redacted on the way out', () => {
    const p = plan(snapshot([user('eve', { title: 'Bearer abcdefghijklmnop', nickName: 'canary-scim-token-1234' })]));
    const printed = scrub(renderPlan(p, { full: true }), ['canary-scim-token-1234']);
    expect(printed).not.toContain('canary-scim-token-1234');
    expect(printed).not.toContain('abcdefghijklmnop');
    expect(printed).toContain('[REDACTED]');
  });

  it('never passes a terminal control sequence from a value AWS holds to the terminal', () => {
    const text = renderPlan(
      plan(snapshot([user('mallory', { title: 'CEO' })]), [owned('mallory', { title: 'CEO\u001b[2J\u009b' })]),
    );
    expect(text).toMatch(/title\s+"CEO\\u001b\[2J\uFFFD" → "CEO"/);
    expect(text).not.toContain('\u001b');
  });

  it('shows the shrink guard holding the plan in the header, so a held plan never reads as all ok', () => {
    const p = plan(snapshot([user('alice')]));
    const shrunk = {
      guard: 'shrink' as const,
      reason: 'source test-src returned 1 users, 75.0 % fewer than the 4 of the last run (limit 20 %)',
      sourceId: 'test-src',
      kind: 'users' as const,
      before: 4,
      now: 1,
    };
    const text = renderPlan(p, { shrinkHold: [shrunk] });
    expect(text).toMatch(/^Deletion brake: .* → ok$/m);
    expect(text).toContain(
      `Shrink guard: source test-src shrank from 4 to 1 users → BLOCKED; approve with 'icsync sync --approve ${p.hash}'`,
    );
    expect(renderPlan(p)).not.toContain('Shrink guard');
  });
});
