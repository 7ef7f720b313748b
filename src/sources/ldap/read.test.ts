import { SizeLimitExceededError } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { FakeDirectory } from '../../../test/helpers/ldapFakeDirectory.js';
import {
  AD_GROUPS,
  AD_PEOPLE,
  activeDirectoryWorld,
  guidOf,
  openLdapWorld,
  readSpec,
  uuid,
} from '../../../test/helpers/ldapFakeWorld.js';
import { readLdapSnapshot } from './read.js';
import { activeDirectoryVendor, openLdapVendor } from './vendors.js';

const NOW = () => new Date('2026-03-01T12:00:00Z');
const signal = () => new AbortController().signal;
const ext = (n: number) => `corp/${uuid(n)}`;

describe('readLdapSnapshot (OpenLDAP)', () => {
  it('reads every page of users and groups and reports direct members only', async () => {
    const dir = new FakeDirectory(openLdapWorld(), { pageSize: 2 });
    const { snapshot, skipped } = await readLdapSnapshot(dir, readSpec(openLdapVendor), signal(), NOW);
    expect(snapshot).toMatchObject({ sourceId: 'corp', sourceKind: 'ldap', readAt: '2026-03-01T12:00:00.000Z' });
    expect(snapshot.users.map((u) => u.userName)).toEqual(['alice', 'bob', 'carol', 'twin', 'twin']);
    expect(skipped).toEqual([{ kind: 'skipped', dn: 'uid=dave,ou=people,dc=example,dc=test', reason: 'no entryUUID' }]);
    const byName = Object.fromEntries(snapshot.groups.map((g) => [g.displayName, g]));
    expect(byName.eng).toMatchObject({ externalId: ext(100), memberUsers: [ext(1)], memberGroups: [ext(101)] });
    expect(byName.platform).toMatchObject({ memberUsers: [ext(2)], memberGroups: [ext(100)] });
    expect(byName.auditors).toMatchObject({ memberUsers: [ext(3)], memberGroups: [] });
  });

  it('resolves posix memberUids to users by uid, case-insensitively, and never by pattern', async () => {
    const dir = new FakeDirectory(openLdapWorld());
    const { snapshot } = await readLdapSnapshot(dir, readSpec(openLdapVendor), signal(), NOW);
    const posix = snapshot.groups.find((g) => g.displayName === 'posix');
    expect(posix?.memberUsers).toEqual([ext(1)]);
    expect(snapshot.unresolvedMembers.filter((m) => m.group === ext(103))).toEqual([
      { group: ext(103), member: 'ghost', reason: 'no user in scope has this uid' },
      { group: ext(103), member: '*)(uid=*', reason: 'no user in scope has this uid' },
      { group: ext(103), member: 'twin', reason: '2 users in scope have this uid' },
    ]);
  });

  it('reports members outside the scope and members that were skipped', async () => {
    const dir = new FakeDirectory(openLdapWorld());
    const { snapshot } = await readLdapSnapshot(dir, readSpec(openLdapVendor), signal(), NOW);
    expect(snapshot.unresolvedMembers.filter((m) => m.group === ext(100))).toEqual([
      { group: ext(100), member: 'cn=reader,dc=example,dc=test', reason: 'not a user or group in scope' },
      {
        group: ext(100),
        member: 'uid=dave,ou=people,dc=example,dc=test',
        reason: 'member entry skipped: no entryUUID',
      },
    ]);
  });

  it('searches with the configured bases, filters and requested attributes', async () => {
    const dir = new FakeDirectory(openLdapWorld());
    await readLdapSnapshot(
      dir,
      readSpec(openLdapVendor, { groups: { baseDn: 'ou=groups,dc=example,dc=test', scope: 'one' } }),
      signal(),
    );
    expect(dir.searches.map((s) => [s.baseDn, s.scope, s.filter.toString()])).toEqual([
      ['ou=people,dc=example,dc=test', 'sub', '(objectClass=inetOrgPerson)'],
      [
        'ou=groups,dc=example,dc=test',
        'one',
        '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup)(objectClass=group))',
      ],
    ]);
    expect(dir.searches[0]?.attributes).toContain('entryUUID');
  });

  it('fails as a whole when a page fails, after some pages were read', async () => {
    const error = new SizeLimitExceededError();
    const dir = new FakeDirectory(openLdapWorld(), {
      pageSize: 2,
      failure: ({ kind, index }) => (kind === 'page' && index === 2 ? error : undefined),
    });
    await expect(readLdapSnapshot(dir, readSpec(openLdapVendor), signal())).rejects.toBe(error);
  });

  it('stops between pages when aborted', async () => {
    const controller = new AbortController();
    const dir = new FakeDirectory(openLdapWorld(), {
      pageSize: 1,
      failure: ({ index }) => {
        if (index === 1) controller.abort();
        return undefined;
      },
    });
    await expect(readLdapSnapshot(dir, readSpec(openLdapVendor), controller.signal)).rejects.toThrow(/aborted/);
    expect(dir.searches).toHaveLength(1);
  });

  it('refuses a read in which two entries carry one immutable id', async () => {
    const world = openLdapWorld();
    world.push({
      dn: 'uid=clone,ou=people,dc=example,dc=test',
      objectClass: 'inetOrgPerson',
      entryUUID: uuid(1),
      uid: 'clone',
    });
    await expect(readLdapSnapshot(new FakeDirectory(world), readSpec(openLdapVendor), signal())).rejects.toThrow(
      /appears on more than one entry/,
    );
  });
});

describe('readLdapSnapshot (Active Directory)', () => {
  const spec = readSpec(activeDirectoryVendor, {}, { users: AD_PEOPLE, groups: AD_GROUPS });

  it('follows range retrieval on a 5000-member group and decodes objectGUIDs', async () => {
    const dir = new FakeDirectory(activeDirectoryWorld(5000), {
      pageSize: 1000,
      maxValRange: { limit: 1500, attributes: ['member'] },
    });
    const { snapshot } = await readLdapSnapshot(dir, spec, signal());
    expect(snapshot.users).toHaveLength(5000);
    expect(snapshot.users[0]).toMatchObject({
      externalId: `corp/${guidOf(0)}`,
      userName: 'user0@corp.test',
      active: false,
    });
    expect(snapshot.users[1]?.active).toBe(true);
    const [group] = snapshot.groups;
    expect(group?.externalId).toBe(`corp/${guidOf(1_000_000)}`);
    expect(group?.memberUsers).toHaveLength(5000);
    expect(new Set(group?.memberUsers)).toEqual(new Set(snapshot.users.map((u) => u.externalId)));
    expect(snapshot.unresolvedMembers).toEqual([]);
    expect(dir.reads.map((r) => r.attributes[0])).toEqual([
      'member;range=1500-*',
      'member;range=3000-*',
      'member;range=4500-*',
    ]);
    expect(dir.searches[0]?.binaryAttributes).toEqual(['objectGUID', 'objectSid']);
  });

  it('returns no snapshot when a range read fails', async () => {
    const dir = new FakeDirectory(activeDirectoryWorld(3100), {
      pageSize: 1000,
      maxValRange: { limit: 1500, attributes: ['member'] },
      failure: ({ kind }) =>
        kind === 'read' ? new Error('Connection closed before message response was received') : undefined,
    });
    await expect(readLdapSnapshot(dir, spec, signal())).rejects.toThrow(/Connection closed/);
  });
});

describe('readLdapSnapshot with an attribute mapping', () => {
  const mapping = {
    user: {
      'enterprise.costCenter': "coalesce(physicalDeliveryOfficeName, 'none')",
      'enterprise.manager': 'manager',
    },
    group: { displayName: 'upper(cn)' },
  };

  it('requests the mapped attributes, applies them, and resolves manager DNs to the users read', async () => {
    const world = openLdapWorld().map((entry) => {
      if (entry.dn === 'uid=alice,ou=people,dc=example,dc=test')
        return { ...entry, manager: 'UID=Bob, OU=People, DC=Example, DC=Test', physicalDeliveryOfficeName: 'CC-1' };
      if (entry.dn === 'uid=carol,ou=people,dc=example,dc=test')
        return { ...entry, manager: 'uid=dave,ou=people,dc=example,dc=test' };
      return entry;
    });
    const dir = new FakeDirectory(world);
    const { snapshot } = await readLdapSnapshot(dir, readSpec(openLdapVendor, { mapping }), signal(), NOW);
    const byName = Object.fromEntries(snapshot.users.map((u) => [u.userName, u]));
    expect(byName.alice?.enterprise.costCenter).toBe('CC-1');
    expect(byName.alice?.manager).toEqual({ ref: 'UID=Bob, OU=People, DC=Example, DC=Test', externalId: ext(2) });
    expect(byName.carol?.manager).toEqual({ ref: 'uid=dave,ou=people,dc=example,dc=test' });
    expect(byName.bob?.manager).toBeNull();
    expect(byName.bob?.enterprise.costCenter).toBe('none');
    expect(snapshot.groups.map((g) => g.displayName)).toContain('ENG');
  });
});
