import type { Entry } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { ldapSourceConfigSchema } from './config.js';
import { toLdapEntry } from './entry.js';
import { buildReadSpec } from './spec.js';
import { isDisabled, transformGroup, transformUser } from './transform.js';
import { activeDirectoryVendor, openLdapVendor, type LdapVendor } from './vendors.js';

const UUID = 'b7450788-7c92-1041-8967-99a5b3e6f164';
const GUID_BYTES = Buffer.from([...Array(16).keys()]);

function spec(vendor: LdapVendor) {
  const config = ldapSourceConfigSchema.parse({
    type: 'ldap',
    id: 'corp',
    url: 'ldaps://ldap.example.test',
    bindDn: 'cn=reader',
    bindPassword: { env: 'PW' },
    users: { baseDn: 'ou=people,dc=example,dc=test' },
    groups: { baseDn: 'ou=groups,dc=example,dc=test' },
  });
  return buildReadSpec(config, vendor);
}

const user = (over: Partial<Entry> = {}) =>
  toLdapEntry({
    dn: 'uid=carol,ou=people,dc=example,dc=test',
    entryUUID: UUID,
    uid: 'carol',
    cn: 'Carol Jones',
    ...over,
  });

describe('transformUser (OpenLDAP)', () => {
  it('maps names, every mail with the first as primary, phone, title, department and employee number', () => {
    const record = transformUser(
      user({
        givenName: 'Carol',
        sn: 'Jones',
        mail: ['carol@example.com', 'cj@example.org'],
        telephoneNumber: '+1 555 0100',
        title: 'Engineer',
        departmentNumber: 'R&D',
        employeeNumber: '1042',
        pwdAccountLockedTime: [],
      }),
      spec(openLdapVendor),
    );
    expect(record).toEqual({
      kind: 'user',
      dn: 'uid=carol,ou=people,dc=example,dc=test',
      uids: ['carol'],
      system: false,
      user: {
        externalId: `corp/${UUID}`,
        userName: 'carol',
        displayName: 'Carol Jones',
        name: { givenName: 'Carol', familyName: 'Jones' },
        title: 'Engineer',
        emails: [
          { value: 'carol@example.com', type: 'work', primary: true },
          { value: 'cj@example.org', type: 'work', primary: false },
        ],
        phoneNumbers: [{ value: '+1 555 0100', type: 'work', primary: true }],
        addresses: [],
        enterprise: { employeeNumber: '1042', department: 'R&D' },
        active: true,
        provenance: { sourceKind: 'ldap', sourceId: 'corp', ref: 'uid=carol,ou=people,dc=example,dc=test' },
      },
    });
  });

  it('prefers displayName over cn and reads attribute names case-insensitively', () => {
    const record = transformUser(user({ DisplayName: 'CJ', ENTRYUUID: UUID, entryUUID: [] }), spec(openLdapVendor));
    expect(record.kind === 'user' && record.user.displayName).toBe('CJ');
  });

  it('marks a user with pwdAccountLockedTime inactive', () => {
    const record = transformUser(user({ pwdAccountLockedTime: '000001010000Z' }), spec(openLdapVendor));
    expect(record.kind === 'user' && record.user.active).toBe(false);
  });

  it('skips, with a reason, entries without an id, with a malformed id or without a userName', () => {
    expect(transformUser(user({ entryUUID: [] }), spec(openLdapVendor))).toMatchObject({
      kind: 'skipped',
      reason: 'no entryUUID',
    });
    expect(transformUser(user({ entryUUID: 'x y' }), spec(openLdapVendor))).toMatchObject({
      reason: 'malformed entryUUID',
    });
    expect(transformUser(user({ uid: [] }), spec(openLdapVendor))).toMatchObject({
      reason: 'no uid value to use as userName',
    });
  });
});

describe('transformUser (Active Directory)', () => {
  const adUser = (uac: string) =>
    toLdapEntry({
      dn: 'CN=Bob,OU=Staff,DC=corp,DC=test',
      objectGUID: GUID_BYTES,
      userPrincipalName: 'bob@corp.test',
      cn: 'Bob',
      department: 'Sales',
      employeeID: 'E7',
      userAccountControl: uac,
    });

  it('uses the decoded objectGUID, userPrincipalName, department and employeeID', () => {
    const record = transformUser(adUser('512'), spec(activeDirectoryVendor));
    expect(record).toMatchObject({
      kind: 'user',
      user: {
        externalId: 'corp/03020100-0504-0706-0809-0a0b0c0d0e0f',
        userName: 'bob@corp.test',
        enterprise: { department: 'Sales', employeeNumber: 'E7' },
        active: true,
      },
    });
  });

  it('reads userAccountControl bit 0x2 (ACCOUNTDISABLE) as inactive', () => {
    expect(transformUser(adUser('514'), spec(activeDirectoryVendor))).toMatchObject({ user: { active: false } });
    expect(transformUser(adUser('66050'), spec(activeDirectoryVendor))).toMatchObject({ user: { active: false } });
    expect(transformUser(adUser('66048'), spec(activeDirectoryVendor))).toMatchObject({ user: { active: true } });
  });
});

describe('isDisabled', () => {
  it('treats an absent or unparsable flag attribute as enabled', () => {
    const rule = { kind: 'flag', attribute: 'userAccountControl', mask: 2 } as const;
    expect(isDisabled(toLdapEntry({ dn: 'cn=x' }), rule)).toBe(false);
    expect(isDisabled(toLdapEntry({ dn: 'cn=x', userAccountControl: 'n/a' }), rule)).toBe(false);
  });
});

describe('transformGroup', () => {
  it('collects member DNs (uniqueMember without its uid suffix) and memberUids', () => {
    const record = transformGroup(
      toLdapEntry({
        dn: 'cn=ops,ou=groups,dc=example,dc=test',
        entryUUID: UUID,
        cn: ['ops', 'operations'],
        member: 'uid=a,ou=people,dc=example,dc=test',
        uniqueMember: ["uid=b,ou=people,dc=example,dc=test#'0101'B", 'uid=c,ou=people,dc=example,dc=test'],
        memberUid: ['d', 'e'],
      }),
      spec(openLdapVendor),
    );
    expect(record).toMatchObject({
      kind: 'group',
      externalId: `corp/${UUID}`,
      displayName: 'ops',
      memberDns: [
        'uid=a,ou=people,dc=example,dc=test',
        'uid=b,ou=people,dc=example,dc=test',
        'uid=c,ou=people,dc=example,dc=test',
      ],
      memberUids: ['d', 'e'],
    });
  });

  it('skips a group without a name', () => {
    expect(transformGroup(toLdapEntry({ dn: 'cn=x', entryUUID: UUID }), spec(openLdapVendor))).toMatchObject({
      kind: 'skipped',
      reason: 'no cn value to use as displayName',
    });
  });
});
