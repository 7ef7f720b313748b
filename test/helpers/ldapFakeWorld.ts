/**
 * Directory contents for the LDAP reader's unit tests, in the shape ldapts returns them (one value as a
 * scalar, several as an array), plus the read specs that point at them.
 */
import type { Entry } from 'ldapts';
import { ldapSourceConfigSchema, type LdapSourceConfigInput } from '../../src/sources/ldap/config.js';
import { buildReadSpec, type LdapReadSpec } from '../../src/sources/ldap/spec.js';
import { formatGuid, type LdapVendor } from '../../src/sources/ldap/vendors.js';

export const PEOPLE = 'ou=people,dc=example,dc=test';
export const GROUPS = 'ou=groups,dc=example,dc=test';

/** A deterministic RFC 4530-style UUID per name. */
export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A deterministic 16-byte objectGUID per number. */
export function guidBytes(n: number): Buffer {
  const bytes = Buffer.alloc(16, 0xa0);
  bytes.writeUInt32BE(n, 12);
  return bytes;
}

export const guidOf = (n: number): string => formatGuid(guidBytes(n));

export function readSpec(
  vendor: LdapVendor,
  over: Partial<LdapSourceConfigInput> = {},
  base = { users: PEOPLE, groups: GROUPS },
): LdapReadSpec {
  const config = ldapSourceConfigSchema.parse({
    type: 'ldap',
    id: 'corp',
    url: 'ldaps://ldap.example.test',
    bindDn: 'cn=reader,dc=example,dc=test',
    bindPassword: { env: 'PW' },
    users: { baseDn: base.users },
    groups: { baseDn: base.groups },
    ...over,
  });
  return buildReadSpec(config, vendor);
}

const person = (n: number, uid: string, extra: Partial<Entry> = {}): Entry => ({
  dn: `uid=${uid},${PEOPLE}`,
  objectClass: ['top', 'inetOrgPerson'],
  entryUUID: uuid(n),
  uid,
  cn: uid,
  sn: uid,
  ...extra,
});

const groupOfNames = (n: number, cn: string, member: string[]): Entry => ({
  dn: `cn=${cn},${GROUPS}`,
  objectClass: ['top', 'groupOfNames'],
  entryUUID: uuid(n),
  cn,
  member,
});

/**
 * OpenLDAP-shaped data: alice/bob/carol, `dave` without an entryUUID (skipped), two users sharing uid
 * `twin`; `eng` ⊃ `platform` ⊃ `eng` (a cycle), a groupOfUniqueNames and a posixGroup with an injection
 * attempt among its memberUids; an entry outside both bases (`cn=reader`).
 */
export function openLdapWorld(): Entry[] {
  return [
    person(1, 'alice', { mail: ['alice@example.com', 'a@example.org'] }),
    person(2, 'bob'),
    person(3, 'carol'),
    { ...person(4, 'dave'), entryUUID: [] },
    person(5, 'twin', { dn: `cn=twin one,${PEOPLE}` }),
    person(6, 'twin', { dn: `cn=twin two,${PEOPLE}` }),
    groupOfNames(100, 'eng', [
      'UID=Alice, OU=People, DC=Example, DC=Test',
      `cn=platform,${GROUPS}`,
      'cn=reader,dc=example,dc=test',
      `uid=dave,${PEOPLE}`,
    ]),
    groupOfNames(101, 'platform', [`uid=bob,${PEOPLE}`, `cn=eng,${GROUPS}`]),
    {
      dn: `cn=auditors,${GROUPS}`,
      objectClass: ['top', 'groupOfUniqueNames'],
      entryUUID: uuid(102),
      cn: 'auditors',
      uniqueMember: `uid=carol,${PEOPLE}#'0101'B`,
    },
    {
      dn: `cn=posix,${GROUPS}`,
      objectClass: ['top', 'posixGroup'],
      entryUUID: uuid(103),
      cn: 'posix',
      gidNumber: '5000',
      memberUid: ['ALICE', 'ghost', '*)(uid=*', 'twin'],
    },
    { dn: 'cn=reader,dc=example,dc=test', objectClass: 'organizationalRole', entryUUID: uuid(200), cn: 'reader' },
  ];
}

export const AD_PEOPLE = 'OU=Staff,DC=corp,DC=test';
export const AD_GROUPS = 'OU=Groups,DC=corp,DC=test';

/** AD-shaped data: `count` users, all members of one group (ranged when the fake enforces MaxValRange). */
export function activeDirectoryWorld(count: number): Entry[] {
  const users: Entry[] = Array.from({ length: count }, (_, i) => ({
    dn: `CN=User ${i},${AD_PEOPLE}`,
    objectClass: ['top', 'person', 'organizationalPerson', 'user'],
    objectCategory: 'person',
    objectGUID: guidBytes(i),
    userPrincipalName: `user${i}@corp.test`,
    cn: `User ${i}`,
    userAccountControl: i === 0 ? '514' : '512',
  }));
  const group: Entry = {
    dn: `CN=All Staff,${AD_GROUPS}`,
    objectClass: ['top', 'group'],
    objectGUID: guidBytes(1_000_000),
    cn: 'All Staff',
    member: users.map((u) => u.dn),
  };
  return [...users, group];
}
