/**
 * Incremental reads through users/delta and groups/delta, real SDKs against the https Graph fake.
 * The fake's delta pages hold two items, so every round spans several pages.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../src/errors.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { DELTA_STATE_KEY, type DeltaState } from '../../src/sources/entra/delta.js';
import type { EntraSourceConfigInput } from '../../src/sources/entra/config.js';
import { gid, person, signal, startEntraWorld, uid, type EntraWorld } from '../helpers/entraFixtures.js';
import { graphError } from '../helpers/graphFake.js';

let w: EntraWorld;
beforeEach(async () => {
  w = await startEntraWorld();
  const t = w.fake.tenant;
  for (let i = 1; i <= 6; i += 1) t.addUser(person(i));
  t.addGroup(gid(3), 'Inner', [uid(3)]);
  t.addGroup(gid(2), 'Middle', [uid(2), gid(3)]);
  t.addGroup(gid(1), 'AWS-Outer', [uid(1), gid(2)]);
  t.addGroup(gid(4), 'AWS-Flat', [uid(4)]);
});
afterEach(async () => {
  await w.close();
});

const incremental: Partial<EntraSourceConfigInput> = {
  incremental: true,
  scope: { groups: { displayNamePrefix: 'AWS-' } },
};
const ext = (id: string) => `corp-entra/${id}`;
const read = (over: Partial<EntraSourceConfigInput> = {}) =>
  w.source({ ...incremental, ...over }).readSnapshot(signal());
const userIds = (s: Snapshot) => s.users.map((u) => u.externalId).sort();
const membersOf = (s: Snapshot, name: string) =>
  [...(s.groups.find((g) => g.displayName === name)?.memberUsers ?? [])].sort();
const saved = () => w.state.load<DeltaState>(DELTA_STATE_KEY);
/** Paths of the collections read since `mark` (first pages only). */
const since = (mark: number) =>
  w.fake.requests
    .slice(mark)
    .filter((r) => r.page === 1)
    .map((r) => r.path);

describe('Entra incremental reads', () => {
  it('enumerates once, then reads only changes, handling @removed by reason', async () => {
    const first = await read();
    expect(userIds(first)).toHaveLength(6);
    expect(membersOf(first, 'AWS-Outer')).toEqual([ext(uid(1)), ext(uid(2)), ext(uid(3))]);
    const firstLinks = await saved();
    expect(firstLinks?.usersDeltaLink).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\/delta\?\$deltatoken=/);

    const t = w.fake.tenant;
    t.updateUser(uid(5), { jobTitle: 'Director', accountEnabled: false });
    t.deleteUser(uid(6), 'changed');
    t.deleteUser(uid(4), 'deleted');
    t.addUser(person(7));
    const mark = w.fake.requests.length;
    const second = await read();

    expect(since(mark).filter((p) => p === '/users' || p === '/groups')).toEqual([]);
    expect(userIds(second)).toEqual([1, 2, 3, 5, 7].map((n) => ext(uid(n))));
    expect(second.users.find((u) => u.externalId === ext(uid(5)))).toMatchObject({
      title: 'Director',
      active: false,
      userName: 'user5@contoso.example',
    });
    expect(membersOf(second, 'AWS-Flat')).toEqual([]);
    expect(w.log.lines).toContainEqual(
      expect.objectContaining({ msg: 'delta: round complete', updated: 2, softDeleted: 1, deleted: 1 }),
    );
    expect((await saved())?.usersDeltaLink).not.toBe(firstLinks?.usersDeltaLink);
  });

  it('re-expands nesting: a change deep in a chain re-reads the scope groups above it, and only those', async () => {
    await read();
    w.fake.tenant.addMember(gid(3), uid(5));
    const mark = w.fake.requests.length;
    const next = await read();
    expect(membersOf(next, 'AWS-Outer')).toEqual([1, 2, 3, 5].map((n) => ext(uid(n))));
    expect(since(mark).filter((p) => p.endsWith('/transitiveMembers'))).toEqual([
      `/groups/${gid(1)}/transitiveMembers`,
    ]);
  });

  it('takes the users of a deleted nested group out of the scope groups above it', async () => {
    await read();
    w.fake.tenant.deleteGroup(gid(3));
    const next = await read();
    expect(membersOf(next, 'AWS-Outer')).toEqual([ext(uid(1)), ext(uid(2))]);
    expect((await saved())?.childGroups).toEqual({ [gid(1)]: [gid(2)] });
  });

  it('follows groups that are renamed into or out of the scope', async () => {
    await read();
    w.fake.tenant.groups.get(gid(2))!.displayName = 'AWS-Middle';
    w.fake.tenant.addMember(gid(2), uid(6));
    w.fake.tenant.groups.get(gid(4))!.displayName = 'Retired';
    w.fake.tenant.addMember(gid(4), uid(5));
    const next = await read();
    expect(next.groups.map((g) => g.displayName).sort()).toEqual(['AWS-Middle', 'AWS-Outer']);
    expect(membersOf(next, 'AWS-Middle')).toEqual([2, 3, 6].map((n) => ext(uid(n))));
  });

  it('falls back to a full enumeration when the delta token expired, and loses nobody', async () => {
    const first = await read();
    w.fake.expireDeltaTokens();
    const mark = w.fake.requests.length;
    const next = await read();
    expect(userIds(next)).toEqual(userIds(first));
    expect(next.groups.map((g) => [g.displayName, g.memberUsers.length])).toEqual(
      first.groups.map((g) => [g.displayName, g.memberUsers.length]),
    );
    const [expired, restart] = w.fake.requests.slice(mark);
    expect([expired?.path, expired?.query.has('$deltatoken')]).toEqual(['/users/delta', true]);
    expect([restart?.path, restart?.query.has('$select')]).toEqual(['/users/delta', true]);
    expect(w.log.lines).toContainEqual(
      expect.objectContaining({ msg: 'delta: token expired; falling back to a full read', status: 410 }),
    );
  });

  it('saves nothing from a round that failed, and replays it in full next time', async () => {
    await read();
    const before = await saved();
    w.fake.tenant.deleteUser(uid(2), 'deleted');
    w.fake.tenant.updateUser(uid(3), { department: 'Moved' });
    let failures = 0;
    w.fake.inject((r) =>
      r.path === '/groups/delta' && failures++ === 0 ? graphError(500, 'generalException', 'boom') : undefined,
    );
    await expect(read()).rejects.toThrow(SourceReadError);
    expect(await saved()).toEqual(before);

    const replayed = await read();
    expect(userIds(replayed)).not.toContain(ext(uid(2)));
    expect(replayed.users.find((u) => u.externalId === ext(uid(3)))?.enterprise.department).toBe('Moved');
    expect(membersOf(replayed, 'AWS-Outer')).toEqual([ext(uid(1)), ext(uid(3))]);
  });

  it('starts over when the scope changes', async () => {
    await read();
    const next = await read({ scope: { groups: { list: ['AWS-Flat'] } } });
    expect(next.groups.map((g) => g.displayName)).toEqual(['AWS-Flat']);
    expect(w.log.lines.filter((l) => l.msg === 'delta: enumerating the directory from scratch')).toHaveLength(2);
  });
});
