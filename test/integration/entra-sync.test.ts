/**
 * End to end: the Entra source (real Graph SDK and @azure/identity against the https Graph fake)
 * synced into the AWS SCIM emulator through runSync. A read that fails part-way plans nothing, and
 * an expired delta token never turns into deletions.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceConnector } from '../../src/sources/types.js';
import { gid, person, startEntraWorld, uid, type EntraWorld } from '../helpers/entraFixtures.js';
import { graphError } from '../helpers/graphFake.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let w: EntraWorld;
let h: Harness<SourceConnector> | undefined;
beforeEach(async () => {
  w = await startEntraWorld();
  const t = w.fake.tenant;
  for (let i = 1; i <= 5; i += 1) t.addUser(person(i));
  t.updateUser(uid(5), { accountEnabled: false });
  t.addUser(
    person(6, { userType: 'Guest', userPrincipalName: 'guest6_fabrikam.example#EXT#@contoso.onmicrosoft.com' }),
  );
  t.addGroup(gid(2), 'Platform', [uid(3), uid(4)]);
  t.addGroup(gid(1), 'AWS-Engineering', [uid(1), uid(2), gid(2), uid(6)]);
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await w.close();
});

const scope = { groups: { displayNamePrefix: 'AWS-' } };

describe('Entra → IAM Identity Center', () => {
  it('creates users and flattened groups, deactivates disabled users, and plans nothing on the rerun', async () => {
    h = await startHarness(w.source({ scope }));
    const first = await h.run('sync');
    expect(first.report.status).toBe('success');
    const users = h.emulator.users();
    expect(users.map((u) => u.externalId).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `corp-entra/${uid(n)}`));
    expect(users.find((u) => u.externalId === `corp-entra/${uid(5)}`)?.active).toBe(false);
    expect(users.find((u) => u.externalId === `corp-entra/${uid(1)}`)).toMatchObject({
      active: true,
      userName: 'user1@contoso.example',
    });
    const engineering = h.emulator.groups().find((g) => g.displayName === 'AWS-Engineering')!;
    expect(h.emulator.membersOf(engineering.id!)).toHaveLength(4);

    const writes = h.emulator.writes().length;
    const rerun = await h.run('sync');
    expect(rerun.plan?.operations).toEqual([]);
    expect(h.emulator.writes()).toHaveLength(writes);
  });

  it('plans and writes nothing when page 3 of the users answers 503', async () => {
    h = await startHarness(w.source({ scope }));
    await h.run('sync');
    const writes = h.emulator.writes().length;
    w.fake.inject((r) =>
      r.path === '/users' && r.page === 3
        ? { ...graphError(503, 'serviceNotAvailable', 'down'), headers: { 'Retry-After': '0' } }
        : undefined,
    );
    const failed = await h.run('sync');
    expect(failed.report.status).toBe('source-failed');
    expect(failed.report.message).toMatch(/HTTP 503/);
    expect(failed.plan).toBeUndefined();
    expect(h.emulator.writes()).toHaveLength(writes);
    expect(h.emulator.users().every((u) => u.active === (u.externalId !== `corp-entra/${uid(5)}`))).toBe(true);
  });

  it('keeps everyone when the delta token expired, and applies real removals from delta', async () => {
    h = await startHarness(w.source({ scope, incremental: true }));
    expect((await h.run('sync')).report.status).toBe('success');
    const writes = h.emulator.writes().length;

    w.fake.expireDeltaTokens();
    const fallback = await h.run('sync');
    expect(fallback.plan?.operations).toEqual([]);
    expect(h.emulator.writes()).toHaveLength(writes);

    w.fake.tenant.deleteUser(uid(2), 'changed');
    const removal = await h.run('sync');
    expect(removal.report.status).toBe('success');
    expect(h.emulator.users().find((u) => u.externalId === `corp-entra/${uid(2)}`)?.active).toBe(false);
    const engineering = h.emulator.groups().find((g) => g.displayName === 'AWS-Engineering')!;
    expect(h.emulator.membersOf(engineering.id!)).toHaveLength(3);
  });
});
