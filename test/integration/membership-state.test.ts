import { afterEach, describe, expect, it } from 'vitest';
import { clientFor, patchOp } from '../../src/emulator/test-support.js';
import { ext, group, snapshot, user } from '../helpers/builders.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOUR_MS = 3_600_000;
const people = ['a', 'b', 'c', 'd', 'e'];
const memberReads = (harness: Harness, from: number): number =>
  harness.emulator.requestLog.slice(from).filter((e) => decodeURIComponent(e.query).includes('groups.value')).length;

/** A clock the runs read, moved by the test. */
function clock(start = Date.parse('2026-03-02T00:00:00Z')): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('stored group membership', () => {
  it('plans a rerun right after a first sync from the stored sets of the groups it created: no membership read', async () => {
    const time = clock();
    h = await startHarness(
      snapshot(
        people.map((p) => user(p)),
        [group('eng', ['a', 'b', 'c']), group('ops', ['d', 'e'])],
      ),
      { now: time.now },
    );
    expect((await h.run('sync')).report.status).toBe('success');
    time.advance(60_000);
    const from = h.emulator.requestLog.length;
    const rerun = await h.run('sync');
    expect(rerun.plan?.operations).toEqual([]);
    expect(rerun.report.target).toMatchObject({ membershipsRead: 0, membershipsAssumed: 2 });
    expect(memberReads(h, from)).toBe(0);
  });

  it('plans a one-member change from the stored set: one add, one remove, no read of the group', async () => {
    const time = clock();
    h = await startHarness(
      snapshot(
        people.map((p) => user(p)),
        [group('eng', ['a', 'b', 'c'])],
      ),
      { now: time.now },
    );
    await h.run('sync');
    const eng = h.emulator.groups()[0]!;
    time.advance(60_000);
    h.source.next = snapshot(
      people.map((p) => user(p)),
      [group('eng', ['b', 'c', 'd'])],
    );
    const from = h.emulator.requestLog.length;
    const r = await h.run('sync');
    expect(r.report.status).toBe('success');
    expect(r.plan?.operations.map((op) => op.kind)).toEqual(['addMembers', 'removeMembers']);
    expect(memberReads(h, from)).toBe(0);
    const byId = new Map(h.emulator.users().map((u) => [u.id, u.externalId]));
    expect(
      h.emulator
        .membersOf(eng.id!)
        .map((id) => byId.get(id))
        .sort(),
    ).toEqual([ext('b'), ext('c'), ext('d')]);
  });

  it('finds an out-of-band membership change at the next verification of that group, and keeps a hand-added member', async () => {
    const time = clock();
    h = await startHarness(
      snapshot(
        people.map((p) => user(p)),
        [group('eng', ['a', 'b', 'c'])],
      ),
      {
        now: time.now,
        sync: { membershipVerifyIntervalHours: 24 },
      },
    );
    await h.run('sync');
    const eng = h.emulator.groups()[0]!;
    const byExt = new Map(h.emulator.users().map((u) => [u.externalId, u.id!]));
    const handAdded = h.emulator.seedUser({
      userName: 'contractor',
      displayName: 'C',
      name: { givenName: 'C', familyName: 'C' },
    });
    // Someone in the console removes one of our members and adds a user of their own.
    await clientFor(h.emulator, 'test-token')(
      'PATCH',
      `/Groups/${eng.id}`,
      patchOp(
        { op: 'remove', path: 'members', value: [{ value: byExt.get(ext('a')) }] },
        { op: 'add', path: 'members', value: [{ value: handAdded.id }] },
      ),
    );
    let hours = 0;
    for (;;) {
      time.advance(HOUR_MS);
      hours += 1;
      const r = await h.run('sync');
      expect(r.report.status).toBe('success');
      if (r.report.target.membershipsRead > 0) break;
      // Not due yet: the stored set is trusted, and the drift is still there.
      expect(h.emulator.membersOf(eng.id!)).not.toContain(byExt.get(ext('a')));
      expect(hours).toBeLessThanOrEqual(24);
    }
    expect(h.emulator.membersOf(eng.id!).sort()).toEqual(
      [byExt.get(ext('a')), byExt.get(ext('b')), byExt.get(ext('c')), handAdded.id].sort(),
    );
  });

  it('reads a group at once when its stored record does not fit (another AWS id, an undecodable set)', async () => {
    const time = clock();
    h = await startHarness(
      snapshot(
        people.map((p) => user(p)),
        [group('eng', ['a']), group('ops', ['b'])],
      ),
      {
        now: time.now,
      },
    );
    await h.run('sync');
    const state = await h.deps.state.load();
    state.groups[ext('eng')]!.scimId = 'someone-else';
    state.groups[ext('ops')]!.members = '***';
    await h.deps.state.save(state);
    time.advance(60_000);
    const r = await h.run('sync');
    expect(r.report.target).toMatchObject({ membershipsRead: 2, membershipsAssumed: 0 });
  });

  it('reads a group again after a webhook-triggered run changed its members, so the next sync does not plan from a stale set', async () => {
    const time = clock();
    h = await startHarness(
      snapshot(
        people.map((p) => user(p)),
        [group('eng', ['a', 'b'])],
      ),
      { now: time.now },
    );
    await h.run('sync');
    const eng = h.emulator.groups()[0]!;
    const bId = h.emulator.users().find((u) => u.externalId === ext('b'))!.id;
    h.source.next = snapshot(
      people.map((p) => user(p)),
      [group('eng', ['a'])],
    );
    await h.targeted([{ kind: 'group', id: 'eng' }]);
    expect(h.emulator.membersOf(eng.id!)).not.toContain(bId);
    h.source.next = snapshot(
      people.map((p) => user(p)),
      [group('eng', ['a', 'b'])],
    );
    time.advance(60_000);
    const r = await h.run('sync');
    expect(r.report.target.membershipsRead).toBe(1);
    expect(h.emulator.membersOf(eng.id!)).toContain(bId);
  });
});
