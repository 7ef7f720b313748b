import type { Entry } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { FakeDirectory } from '../../../test/helpers/ldapFakeDirectory.js';
import {
  AD_GROUPS,
  AD_PEOPLE,
  guidBytes,
  guidOf,
  openLdapWorld,
  readSpec,
} from '../../../test/helpers/ldapFakeWorld.js';
import { makeExternalId } from '../../model/ids.js';
import { parseSid } from './ad-objects.js';
import { readLdapSnapshot } from './read.js';
import { rereadGroup } from './reread.js';
import { activeDirectoryVendor, openLdapVendor } from './vendors.js';

const signal = () => new AbortController().signal;
const ext = (n: number) => makeExternalId('corp', guidOf(n));

/** A binary SID S-1-5-21-<a>-<b>-<c>-<rid>, as AD stores objectSid. */
function sid(rid: number, domain: number[] = [21, 1000, 2000, 3000]): Buffer {
  const bytes = Buffer.alloc(8 + 4 * (domain.length + 1));
  bytes[0] = 1;
  bytes[1] = domain.length + 1;
  bytes.writeUIntBE(5, 2, 6);
  [...domain, rid].forEach((value, i) => bytes.writeUInt32LE(value, 8 + 4 * i));
  return bytes;
}

const adUser = (n: number, name: string, extra: Partial<Entry> = {}): Entry => ({
  dn: `CN=${name},${AD_PEOPLE}`,
  objectClass: ['top', 'person', 'user'],
  objectCategory: 'person',
  objectGUID: guidBytes(n),
  objectSid: sid(1100 + n),
  userPrincipalName: `${name}@corp.test`,
  primaryGroupID: '513',
  ...extra,
});

const adGroup = (n: number, name: string, rid: number, member: string[], extra: Partial<Entry> = {}): Entry => ({
  dn: `CN=${name},${AD_GROUPS}`,
  objectClass: ['top', 'group'],
  objectGUID: guidBytes(n),
  objectSid: sid(rid),
  cn: name,
  member,
  ...extra,
});

function world(): Entry[] {
  return [
    adUser(1, 'erin', { primaryGroupID: '5001' }),
    adUser(2, 'frank'),
    adUser(3, 'Administrator', { objectSid: sid(500), isCriticalSystemObject: 'TRUE' }),
    adGroup(100, 'eng-primary', 5001, [`CN=frank,${AD_PEOPLE}`]),
    adGroup(101, 'Domain Users', 513, [], { isCriticalSystemObject: 'TRUE' }),
    adGroup(102, 'Administrators', 544, [`CN=Administrator,${AD_PEOPLE}`], { objectSid: sid(544, [32]) }),
    adGroup(103, 'ops', 5002, [`CN=Administrator,${AD_PEOPLE}`, `CN=frank,${AD_PEOPLE}`]),
  ];
}

describe('Active Directory primary groups and system objects (https://learn.microsoft.com/en-us/windows/win32/adschema/a-primarygroupid)', () => {
  it('parses binary SIDs and refuses malformed ones', () => {
    expect(parseSid(sid(5001))).toEqual({ domain: 'S-1-5-21-1000-2000-3000', rid: 5001 });
    expect(parseSid(sid(544, [32]))).toEqual({ domain: 'S-1-5-32', rid: 544 });
    expect(parseSid(Buffer.from([1, 2, 0, 0]))).toBeUndefined();
    expect(parseSid('S-1-5-32-544')).toBeUndefined();
  });

  it('counts a user as a member of the primary group that `member` does not list', async () => {
    const { snapshot } = await readLdapSnapshot(
      new FakeDirectory(world()),
      readSpec(activeDirectoryVendor, {}, { users: AD_PEOPLE, groups: AD_GROUPS }),
      signal(),
    );
    const primary = snapshot.groups.find((g) => g.displayName === 'eng-primary');
    expect(new Set(primary?.memberUsers)).toEqual(new Set([ext(1), ext(2)]));
  });

  it('keeps primary members on a targeted group re-read', async () => {
    const spec = readSpec(activeDirectoryVendor, {}, { users: AD_PEOPLE, groups: AD_GROUPS });
    const resolved = await rereadGroup(new FakeDirectory(world()), spec, guidOf(100));
    expect(new Set(resolved?.group.memberUsers)).toEqual(new Set([ext(1), ext(2)]));
  });

  it('leaves built-in and critical system objects out by default, counts them, and reports members that point at them', async () => {
    const spec = readSpec(activeDirectoryVendor, {}, { users: AD_PEOPLE, groups: AD_GROUPS });
    const { snapshot } = await readLdapSnapshot(new FakeDirectory(world()), spec, signal());
    expect(snapshot.users.map((u) => u.userName).sort()).toEqual(['erin@corp.test', 'frank@corp.test']);
    expect(snapshot.groups.map((g) => g.displayName).sort()).toEqual(['eng-primary', 'ops']);
    expect(snapshot.notices).toEqual([
      expect.objectContaining({ object: 'user', action: 'excluded', count: 1 }),
      expect.objectContaining({ object: 'group', action: 'excluded', count: 2 }),
    ]);
    expect(snapshot.unresolvedMembers).toEqual([
      expect.objectContaining({
        group: ext(103),
        member: `CN=Administrator,${AD_PEOPLE}`,
        reason: expect.stringMatching(/includeSystemObjects/),
      }),
    ]);

    const all = await readLdapSnapshot(
      new FakeDirectory(world()),
      readSpec(activeDirectoryVendor, { includeSystemObjects: true }, { users: AD_PEOPLE, groups: AD_GROUPS }),
      signal(),
    );
    expect(all.snapshot.groups.find((g) => g.displayName === 'Domain Users')?.memberUsers).toEqual([ext(2), ext(3)]);
    expect(all.snapshot.notices).toEqual([]);
  });

  it('warns when groups are configured but none were read', async () => {
    const spec = readSpec(openLdapVendor, {
      groups: { baseDn: 'ou=groups,dc=example,dc=test', filter: '(objectClass=nothingHere)' },
    });
    const { snapshot } = await readLdapSnapshot(new FakeDirectory(openLdapWorld()), spec, signal());
    expect(snapshot.notices).toEqual([
      expect.objectContaining({ object: 'group', action: 'warning', field: 'groups.filter' }),
    ]);
  });

  it('matches AD-style objectClass=group entries with the OpenLDAP default group filter', async () => {
    const entries = [
      ...openLdapWorld(),
      {
        dn: 'cn=ad-style,ou=groups,dc=example,dc=test',
        objectClass: ['top', 'group'],
        entryUUID: '00000000-0000-4000-8000-0000000000ad',
        cn: 'ad-style',
      },
    ];
    const { snapshot } = await readLdapSnapshot(new FakeDirectory(entries), readSpec(openLdapVendor), signal());
    expect(snapshot.groups.map((g) => g.displayName)).toContain('ad-style');
  });
});
