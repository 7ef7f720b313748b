import { afterEach, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../src/errors.js';
import { ext, group, snapshot, user } from '../helpers/builders.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ids = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
const writes = (harness: Harness) => harness.emulator.writes();

describe('sync against the AWS SCIM emulator', () => {
  it('applies a first sync and plans nothing on the rerun', async () => {
    const members = ids(5);
    h = await startHarness(
      snapshot(
        members.map((m) => user(m)),
        [group('eng', members.slice(0, 3), ['ops']), group('ops', members.slice(3))],
      ),
    );
    const first = await h.run('sync');
    expect(first.report.status).toBe('success');
    expect(h.emulator.users()).toHaveLength(5);
    const eng = h.emulator.groups().find((g) => g.displayName === 'Group eng')!;
    expect(h.emulator.membersOf(eng.id!)).toHaveLength(5);
    const before = writes(h).length;
    const rerun = await h.run('sync');
    expect(rerun.plan?.operations).toEqual([]);
    expect(writes(h).length).toBe(before);
  });

  it('diff sends zero writes and prints the same plan hash as sync', async () => {
    h = await startHarness(snapshot([user('a'), user('b')], [group('g', ['a', 'b'])]));
    const diff = await h.run('diff');
    expect(diff.report.status).toBe('changes-pending');
    expect(diff.report.exitCode).toBe(2);
    expect(writes(h)).toEqual([]);
    const sync = await h.run('sync');
    expect(sync.plan?.hash).toBe(diff.plan?.hash);
  });

  it('renames a user and a group with PATCHes on the same AWS ids', async () => {
    h = await startHarness(snapshot([user('a')], [group('g', ['a'])]));
    await h.run('sync');
    const userId = h.emulator.users()[0]!.id;
    const groupId = h.emulator.groups()[0]!.id;
    h.emulator.resetLog();
    h.source.next = snapshot(
      [user('a', { userName: 'a.renamed@example.com' })],
      [group('g', ['a'], [], { displayName: 'Renamed' })],
    );
    const r = await h.run('sync');
    expect(r.report.status).toBe('success');
    expect(writes(h).map((w) => `${w.method} ${w.path}`)).toEqual([
      `PATCH /Users/${userId}`,
      `PATCH /Groups/${groupId}`,
    ]);
    expect(h.emulator.users()[0]).toMatchObject({ id: userId, userName: 'a.renamed@example.com' });
    expect(h.emulator.groups()[0]).toMatchObject({ id: groupId, displayName: 'Renamed' });
  });

  it('does not let a new person with a recycled email inherit the old AWS user', async () => {
    h = await startHarness(
      snapshot([user('old', { userName: 'pat@example.com', emails: [{ value: 'pat@example.com' }] })]),
    );
    await h.run('sync');
    const oldId = h.emulator.users()[0]!.id;
    h.source.next = snapshot([user('new', { userName: 'pat@example.com', emails: [{ value: 'pat@example.com' }] })]);
    const r = await h.run('sync');
    const stored = h.emulator.users();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id: oldId, externalId: ext('old'), active: false });
    expect(r.report.findings).toContainEqual(expect.objectContaining({ externalId: ext('new'), action: 'conflict' }));
  });

  it('creates a group with its first 100 members in the POST (DG/creategroup) and PATCHes the rest, 100 at a time', async () => {
    for (const [n, expected] of [
      [100, 0],
      [101, 1],
      [201, 2],
    ] as const) {
      const members = ids(n);
      h = await startHarness(
        snapshot(
          members.map((m) => user(m)),
          [group('big', members)],
        ),
      );
      await h.run('sync');
      const groupWrites = writes(h).filter((w) => w.path.startsWith('/Groups'));
      expect(groupWrites.map((w) => w.method)).toEqual(['POST', ...Array<string>(expected).fill('PATCH')]);
      expect(h.emulator.membersOf(h.emulator.groups()[0]!.id!)).toHaveLength(n);
      await h.close();
      h = undefined;
    }
  });

  it('converges when the endpoint refuses members in the create: created empty, members by PATCH, rerun writes nothing', async () => {
    const members = ids(3);
    h = await startHarness(
      snapshot(
        members.map((m) => user(m)),
        [group('g', members)],
      ),
      {
        emulator: { inlineMembers: 'refuse' },
      },
    );
    const first = await h.run('sync');
    expect(first.report.status).toBe('success');
    expect(h.emulator.membersOf(h.emulator.groups()[0]!.id!)).toHaveLength(3);
    const before = writes(h).length;
    const rerun = await h.run('sync');
    expect(rerun.plan?.operations).toEqual([]);
    expect(writes(h)).toHaveLength(before);
  });

  it('reads one created group back and, when AWS kept none of the members sent in the POST, warns and lets the next run add them', async () => {
    const members = ids(3);
    h = await startHarness(
      snapshot(
        members.map((m) => user(m)),
        [group('g', members), group('h', members.slice(0, 1))],
      ),
      {
        emulator: { inlineMembers: 'ignore' },
      },
    );
    const first = await h.run('sync');
    expect(first.report.status).toBe('success');
    expect(first.report.findings).toContainEqual(
      expect.objectContaining({
        action: 'warning',
        field: 'members',
        reason: expect.stringMatching(/AWS holds 0 of the \d member\(s\) sent/),
      }),
    );
    const second = await h.run('sync');
    expect(second.report.target?.membershipsRead).toBe(2);
    expect(second.plan?.operations.map((o) => o.kind)).toEqual(['addMembers', 'addMembers']);
    for (const g of h.emulator.groups()) expect(h.emulator.membersOf(g.id!).length).toBeGreaterThan(0);
    expect((await h.run('sync')).plan?.operations).toEqual([]);
  });

  it('reads back exactly one created group when AWS kept the members, and warns of nothing', async () => {
    const members = ids(3);
    h = await startHarness(
      snapshot(
        members.map((m) => user(m)),
        [group('g', members), group('h', members)],
      ),
    );
    const first = await h.run('sync');
    expect(first.report.findings.filter((f) => f.field === 'members')).toEqual([]);
    const reads = h.emulator.requestLog.filter((e) => decodeURIComponent(e.query).includes('groups.value eq'));
    expect(reads).toHaveLength(1);
  });

  it("with sync.groupCreateMembers 'patch' creates groups empty: 100 members in one PATCH and 101 in two", async () => {
    for (const n of [100, 101]) {
      const members = ids(n);
      h = await startHarness(
        snapshot(
          members.map((m) => user(m)),
          [group('big', members)],
        ),
        { sync: { groupCreateMembers: 'patch' } },
      );
      await h.run('sync');
      const patches = writes(h).filter((w) => w.method === 'PATCH' && w.path.startsWith('/Groups/'));
      expect(patches).toHaveLength(n === 100 ? 1 : 2);
      expect(h.emulator.membersOf(h.emulator.groups()[0]!.id!)).toHaveLength(n);
      await h.close();
      h = undefined;
    }
  });

  it('never applies a plan under an approval given for another plan, even one the brake would let through', async () => {
    h = await startHarness(snapshot([user('a'), user('b')]));
    const r = await h.run('sync', { approve: '0000000000000000' });
    expect(r.report).toMatchObject({ status: 'blocked', exitCode: 3 });
    expect(r.report.message).toContain('does not match this plan');
    expect(writes(h)).toHaveLength(0);
    const approved = await h.run('sync', { approve: r.plan!.hash });
    expect(approved.report.status).toBe('success');
    expect(h.emulator.users()).toHaveLength(2);
  });

  it('holds a plan with 4 removals at threshold 3, then applies exactly that plan with --approve', async () => {
    const members = ids(6);
    h = await startHarness(
      snapshot(
        members.map((m) => user(m)),
        [group('g', members)],
      ),
      { sync: { brake: { absolute: 3 } } },
    );
    await h.run('sync');
    const before = writes(h).length;
    h.source.next = snapshot(
      members.map((m) => user(m)),
      [group('g', members.slice(0, 2))],
    );
    const blocked = await h.run('sync');
    expect(blocked.report).toMatchObject({ status: 'blocked', exitCode: 3 });
    expect(writes(h).length).toBe(before);
    const wrong = await h.run('sync', { approve: '0000000000000000' });
    expect(wrong.report.status).toBe('blocked');
    const approved = await h.run('sync', { approve: blocked.plan!.hash });
    expect(approved.report.status).toBe('success');
    expect(h.emulator.membersOf(h.emulator.groups()[0]!.id!)).toHaveLength(2);
  });

  it('refuses an empty source read and a source that fails mid-read, writing nothing', async () => {
    h = await startHarness(snapshot([user('a'), user('b')]));
    await h.run('sync');
    const before = writes(h).length;
    h.source.next = snapshot([]);
    const empty = await h.run('sync');
    expect(empty.report).toMatchObject({ status: 'source-failed', exitCode: 7 });
    h.source.next = new SourceReadError('test-src', 'connection lost on page 3');
    const partial = await h.run('sync');
    expect(partial.report).toMatchObject({ status: 'source-failed', exitCode: 7 });
    expect(writes(h).length).toBe(before);
    expect(h.emulator.users().every((u) => u.active)).toBe(true);
    expect((await h.run('sync', { allowEmptySource: true })).report.status).toBe('source-failed');
  });

  it('refuses a source that shrank beyond the limit unless allowed', async () => {
    const members = ids(10);
    h = await startHarness(snapshot(members.map((m) => user(m))), { sync: { brake: { absolute: 100 } } });
    await h.run('sync');
    h.source.next = snapshot(members.slice(0, 5).map((m) => user(m)));
    expect((await h.run('sync')).report.status).toBe('source-failed');
    const allowed = await h.run('sync', { allowShrink: true });
    expect(allowed.report.status).toBe('success');
    expect(h.emulator.users().filter((u) => !u.active)).toHaveLength(5);
  });

  it('creates one user, not two, when the response to the POST is lost', async () => {
    h = await startHarness(snapshot([user('a')]));
    h.emulator.injectFault({ method: 'POST', path: '/Users', times: 1, kind: 'drop-after-commit' });
    const r = await h.run('sync');
    expect(r.report.status).toBe('success');
    expect(h.emulator.users()).toHaveLength(1);
    expect(writes(h).filter((w) => w.method === 'POST')).toHaveLength(1);
    expect(r.report.applied?.failures).toEqual([]);
  });

  it('completes a 429 storm with zero failed operations', async () => {
    const members = ids(30);
    h = await startHarness(
      snapshot(
        members.map((m) => user(m)),
        [group('g', members)],
      ),
      {
        sync: { rateLimit: { requestsPerSecond: 1000, burst: 50 }, concurrency: 8, maxAttempts: 3 },
      },
    );
    h.emulator.injectFault({
      path: /^\/Users/,
      method: 'POST',
      times: 150,
      kind: 'status',
      status: 429,
      retryAfter: 'seconds',
      retryAfterSeconds: 0,
    });
    h.emulator.injectFault({
      path: /^\/Groups/,
      times: 3,
      kind: 'status',
      status: 429,
      retryAfter: 'http-date',
      retryAfterSeconds: 1,
    });
    const r = await h.run('sync');
    expect(h.emulator.requestLog.filter((e) => e.status === 429).length).toBe(153);
    expect(r.report.applied).toMatchObject({ failed: 0, skipped: 0 });
    expect(r.report.status).toBe('success');
    expect(h.emulator.users()).toHaveLength(30);
  });

  it('retries 5xx with backoff and converges', async () => {
    h = await startHarness(snapshot([user('a'), user('b')]));
    h.emulator.injectFault({ method: 'POST', path: '/Users', times: 2, kind: 'status', status: 503 });
    const r = await h.run('sync');
    expect(r.report.status).toBe('success');
    expect(h.emulator.users()).toHaveLength(2);
  });

  it('stops the whole run on 401 with the credentials exit code', async () => {
    const members = ids(20);
    h = await startHarness(snapshot(members.map((m) => user(m))), { sync: { concurrency: 1 } });
    h.emulator.injectFault({ method: 'POST', path: '/Users', times: 1000, kind: 'status', status: 401 });
    const r = await h.run('sync');
    expect(r.report).toMatchObject({ status: 'credentials-invalid', exitCode: 5 });
    expect(writes(h).length).toBe(1);
    expect(r.report.applied?.skipped).toBe(19);
  });

  it('never modifies objects without our externalId', async () => {
    h = await startHarness(snapshot([user('a')], [group('g', ['a'])]));
    const admin = h.emulator.seedUser({
      userName: 'Administrator',
      displayName: 'Administrator',
      name: { givenName: 'A', familyName: 'B' },
    });
    const ct = h.emulator.seedGroup({ displayName: 'AWSControlTowerAdmins' }, [admin.id!]);
    await h.run('sync');
    h.source.next = snapshot([user('a')], []);
    await h.run('sync', { allowShrink: true });
    expect(writes(h).some((w) => w.path.includes(admin.id!) || w.path.includes(ct.id!))).toBe(false);
    expect(h.emulator.membersOf(ct.id!)).toEqual([admin.id]);
  });

  it('deletes a user who left scope only after the grace period', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    h = await startHarness(snapshot([user('a'), user('b')]), { now: () => now, sync: { deleteGracePeriodDays: 30 } });
    await h.run('sync');
    h.source.next = snapshot([user('a')]);
    await h.run('sync', { allowShrink: true });
    expect(h.emulator.users().find((u) => u.externalId === ext('b'))?.active).toBe(false);
    now += 29 * 86_400_000;
    await h.run('sync', { allowShrink: true });
    expect(h.emulator.users()).toHaveLength(2);
    now += 2 * 86_400_000;
    const r = await h.run('sync', { allowShrink: true });
    expect(r.plan?.counts.deleteUser).toBe(1);
    expect(h.emulator.users().map((u) => u.externalId)).toEqual([ext('a')]);
  });

  it('confirms membership when AWS rejects a duplicate add', async () => {
    h = await startHarness(snapshot([user('a'), user('b')], [group('g', ['a', 'b'])]), {
      emulator: { duplicateMemberAdd: 'error' },
    });
    await h.run('sync');
    const g = h.emulator.groups()[0]!;
    h.emulator.injectFault({ method: 'PATCH', path: `/Groups/${g.id}`, times: 1, kind: 'drop-after-commit' });
    h.source.next = snapshot([user('a'), user('b'), user('c')], [group('g', ['a', 'b', 'c'])]);
    const r = await h.run('sync');
    expect(r.report.status).toBe('success');
    expect(h.emulator.membersOf(g.id!)).toHaveLength(3);
  });
});
