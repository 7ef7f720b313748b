import { afterEach, describe, expect, it } from 'vitest';
import { ext, group, snapshot, user } from '../helpers/builders.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const base = () =>
  snapshot([user('a'), user('b'), user('c')], [group('g', ['a', 'b']), group('other', ['a', 'b', 'c'])]);

async function synced() {
  const harness = await startHarness(base());
  await harness.run('sync');
  harness.emulator.resetLog();
  return harness;
}

describe('webhook-triggered (targeted) runs', () => {
  it('a renamed user becomes one PATCH on the same AWS id, and nothing else', async () => {
    h = await synced();
    const before = h.emulator.users().find((u) => u.externalId === ext('a'))!;
    const next = base();
    next.users[0] = user('a', { userName: 'a.renamed@example.com' });
    next.users[1] = user('b', { title: 'changed but not hinted' });
    h.source.next = next;
    const r = await h.targeted([{ kind: 'user', id: 'a' }]);
    expect(r.report.status).toBe('success');
    expect(h.emulator.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`PATCH /Users/${before.id}`]);
    expect(h.emulator.users().find((u) => u.id === before.id)?.userName).toBe('a.renamed@example.com');
  });

  it('deactivates only the hinted user when the source no longer has it', async () => {
    h = await synced();
    const next = base();
    next.users = next.users.filter((u) => u.externalId !== ext('c'));
    next.groups[1]!.memberUsers = [ext('a'), ext('b')];
    h.source.next = next;
    const r = await h.targeted([{ kind: 'user', id: 'c' }]);
    expect(r.plan.operations.map((o) => o.kind)).toEqual(['deactivateUser']);
    expect(h.emulator.users().find((u) => u.externalId === ext('c'))?.active).toBe(false);
  });

  it('applies a group membership change from the re-read group only', async () => {
    h = await synced();
    const next = base();
    next.groups[0]!.memberUsers = [ext('a'), ext('c')];
    h.source.next = next;
    const r = await h.targeted([{ kind: 'group', id: 'g' }]);
    expect(r.plan.operations.map((o) => o.kind).sort()).toEqual(['addMembers', 'removeMembers']);
    const g = h.emulator.groups().find((x) => x.externalId === ext('g'))!;
    const cId = h.emulator.users().find((u) => u.externalId === ext('c'))!.id;
    const bId = h.emulator.users().find((u) => u.externalId === ext('b'))!.id;
    expect(h.emulator.membersOf(g.id!)).toContain(cId);
    expect(h.emulator.membersOf(g.id!)).not.toContain(bId);
  });

  it('leaves members AWS does not know yet to the full sync, and writes nothing for an unchanged object', async () => {
    h = await synced();
    const next = base();
    next.users.push(user('d'));
    next.groups[0]!.memberUsers.push(ext('d'));
    h.source.next = next;
    const r = await h.targeted([
      { kind: 'group', id: 'g' },
      { kind: 'user', id: 'b' },
    ]);
    expect(r.plan.operations).toEqual([]);
    expect(r.report.findings).toContainEqual(expect.objectContaining({ object: 'membership', action: 'skipped' }));
    expect(h.emulator.writes()).toEqual([]);
  });

  it('skips a nested group: one re-read cannot flatten it', async () => {
    h = await synced();
    const next = base();
    next.groups[0] = group('g', ['a'], ['other']);
    h.source.next = next;
    const r = await h.targeted([{ kind: 'group', id: 'g' }]);
    expect(r.plan.operations).toEqual([]);
    expect(r.report.findings).toContainEqual(expect.objectContaining({ externalId: ext('g'), action: 'skipped' }));
  });
});
