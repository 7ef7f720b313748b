import { type AndFilter, EqualityFilter } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { FakeDirectory } from '../../../test/helpers/ldapFakeDirectory.js';
import {
  AD_GROUPS,
  AD_PEOPLE,
  activeDirectoryWorld,
  guidBytes,
  guidOf,
  openLdapWorld,
  readSpec,
  uuid,
} from '../../../test/helpers/ldapFakeWorld.js';
import { rereadGroup, rereadUser } from './reread.js';
import { activeDirectoryVendor, openLdapVendor } from './vendors.js';

const ext = (n: number) => `corp/${uuid(n)}`;
const openLdap = readSpec(openLdapVendor);
const activeDirectory = readSpec(activeDirectoryVendor, {}, { users: AD_PEOPLE, groups: AD_GROUPS });

describe('rereadUser', () => {
  it('finds a user by entryUUID within the configured filter', async () => {
    const dir = new FakeDirectory(openLdapWorld());
    const user = await rereadUser(dir, openLdap, uuid(1));
    expect(user).toMatchObject({
      externalId: ext(1),
      userName: 'alice',
      emails: [{ value: 'alice@example.com', primary: true }, {}],
    });
    expect(dir.searches[0]?.filter.toString()).toBe(`(&(objectClass=inetOrgPerson)(entryUUID=${uuid(1)}))`);
  });

  it('returns null for an id that is not there, or not a user in scope', async () => {
    const dir = new FakeDirectory(openLdapWorld());
    expect(await rereadUser(dir, openLdap, uuid(999))).toBeNull();
    expect(await rereadUser(dir, openLdap, uuid(100))).toBeNull();
    expect(await rereadUser(dir, openLdap, uuid(200))).toBeNull();
  });

  it('treats an id of "*" as a value, not a wildcard', async () => {
    const dir = new FakeDirectory(openLdapWorld());
    expect(await rereadUser(dir, openLdap, '*')).toBeNull();
    expect(dir.searches[0]?.filter.toString()).toBe('(&(objectClass=inetOrgPerson)(entryUUID=\\2a))');
  });

  it('looks AD users up with the objectGUID bytes in an EqualityFilter', async () => {
    const dir = new FakeDirectory(activeDirectoryWorld(3));
    const user = await rereadUser(dir, activeDirectory, guidOf(2));
    expect(user).toMatchObject({ externalId: `corp/${guidOf(2)}`, userName: 'user2@corp.test' });
    const filter = dir.searches[0]?.filter as AndFilter;
    const assertion = filter.filters[1] as EqualityFilter;
    expect(assertion).toBeInstanceOf(EqualityFilter);
    expect(assertion.attribute).toBe('objectGUID');
    expect(assertion.value).toEqual(guidBytes(2));
  });

  it('does not search at all for an id that cannot be a GUID', async () => {
    const dir = new FakeDirectory(activeDirectoryWorld(3));
    expect(await rereadUser(dir, activeDirectory, '*')).toBeNull();
    expect(dir.searches).toEqual([]);
  });

  it('fails when an id matches more than one entry', async () => {
    const world = openLdapWorld();
    world.push({
      dn: 'uid=clone,ou=people,dc=example,dc=test',
      objectClass: 'inetOrgPerson',
      entryUUID: uuid(1),
      uid: 'clone',
    });
    await expect(rereadUser(new FakeDirectory(world), openLdap, uuid(1))).rejects.toThrow(/matched 2 entries/);
  });
});

describe('rereadGroup', () => {
  it('resolves member DNs with base reads limited to the configured scopes', async () => {
    const dir = new FakeDirectory(openLdapWorld());
    const resolved = await rereadGroup(dir, openLdap, uuid(100));
    expect(resolved?.group).toMatchObject({
      externalId: ext(100),
      displayName: 'eng',
      memberUsers: [ext(1)],
      memberGroups: [ext(101)],
    });
    expect(resolved?.unresolved).toEqual([
      { group: ext(100), member: 'cn=reader,dc=example,dc=test', reason: 'not a user or group in scope' },
      {
        group: ext(100),
        member: 'uid=dave,ou=people,dc=example,dc=test',
        reason: 'member entry skipped: no entryUUID',
      },
    ]);
    expect(dir.reads.map((r) => r.dn)).not.toContain('cn=reader,dc=example,dc=test');
  });

  it('resolves memberUids with one equality search each; an injected value matches nothing', async () => {
    const dir = new FakeDirectory(openLdapWorld());
    const resolved = await rereadGroup(dir, openLdap, uuid(103));
    expect(resolved?.group.memberUsers).toEqual([ext(1)]);
    expect(resolved?.unresolved.map((u) => [u.member, u.reason])).toEqual([
      ['ghost', 'no user in scope has this uid'],
      ['*)(uid=*', 'no user in scope has this uid'],
      ['twin', '2 users in scope have this uid'],
    ]);
    expect(dir.searches.map((s) => s.filter.toString())).toContain(
      '(&(objectClass=inetOrgPerson)(uid=\\2a\\29\\28uid=\\2a))',
    );
  });

  it('follows AD range retrieval on the group it re-reads', async () => {
    const dir = new FakeDirectory(activeDirectoryWorld(1600), { maxValRange: { limit: 1500, attributes: ['member'] } });
    const resolved = await rereadGroup(dir, activeDirectory, guidOf(1_000_000));
    expect(resolved?.group.memberUsers).toHaveLength(1600);
    expect(resolved?.unresolved).toEqual([]);
  });

  it('returns null for a user id', async () => {
    expect(await rereadGroup(new FakeDirectory(openLdapWorld()), openLdap, uuid(1))).toBeNull();
  });
});
