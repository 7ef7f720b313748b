import { describe, expect, it } from 'vitest';
import { ldapSourceConfigSchema, type LdapSourceConfigInput } from './config.js';
import { buildReadSpec, groupAttributeList, userAttributeList } from './spec.js';
import { activeDirectoryVendor, openLdapVendor } from './vendors.js';

const minimal: LdapSourceConfigInput = {
  type: 'ldap',
  id: 'corp-ldap',
  url: 'ldaps://ldap.example.test:636',
  bindDn: 'cn=reader,dc=example,dc=test',
  bindPassword: { env: 'LDAP_BIND_PASSWORD' },
  users: { baseDn: 'ou=people,dc=example,dc=test' },
  groups: { baseDn: 'ou=groups,dc=example,dc=test' },
};

function issues(input: Record<string, unknown>): string[] {
  const result = ldapSourceConfigSchema.safeParse({ ...minimal, ...input });
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('ldapSourceConfigSchema', () => {
  it('fills in the documented defaults', () => {
    expect(ldapSourceConfigSchema.parse(minimal)).toEqual({
      ...minimal,
      startTls: false,
      allowInsecure: false,
      vendor: 'auto',
      users: { baseDn: 'ou=people,dc=example,dc=test', scope: 'sub' },
      groups: { baseDn: 'ou=groups,dc=example,dc=test', scope: 'sub' },
      attributes: {},
      pageSize: 500,
      timeoutMs: 30_000,
      maxRangeIterations: 1000,
      includeSystemObjects: false,
    });
  });

  it('refuses plain ldap:// without StartTLS unless allowInsecure is set', () => {
    expect(issues({ url: 'ldap://ldap.example.test' })).toEqual([
      expect.stringMatching(/^url: plain ldap:\/\/ sends the bind password in clear/),
    ]);
    expect(issues({ url: 'ldap://ldap.example.test', startTls: true })).toEqual([]);
    expect(issues({ url: 'ldap://127.0.0.1:3890', allowInsecure: true })).toEqual([]);
  });

  it('rejects contradictory TLS settings', () => {
    expect(issues({ startTls: true })).toEqual(['startTls: StartTLS cannot be used on an ldaps:// connection']);
    expect(issues({ url: 'ldap://h', allowInsecure: true, caFile: '/ca.pem' })).toEqual([
      'caFile: caFile/tlsServerName need ldaps:// or startTls: true',
    ]);
  });

  it('rejects malformed URLs, source ids, filters, secrets given inline and unknown keys', () => {
    expect(issues({ url: 'https://ldap.example.test' })).toHaveLength(1);
    expect(issues({ url: 'ldaps://ldap.example.test/dc=example' })).toHaveLength(1);
    expect(issues({ id: 'Corp LDAP' })).toHaveLength(1);
    expect(issues({ users: { baseDn: 'ou=people', filter: '(objectClass=person' } })).toEqual([
      'users.filter: not a valid RFC 4515 search filter',
    ]);
    expect(issues({ bindPassword: 'hunter2' })).toHaveLength(1);
    expect(issues({ sizeLimit: 100 })).toHaveLength(1);
    expect(issues({ attributes: { mail: 'mail' } })).toHaveLength(1);
  });
});

describe('buildReadSpec', () => {
  it('takes filters and attribute names from the vendor unless the config overrides them', () => {
    const config = ldapSourceConfigSchema.parse({
      ...minimal,
      users: { baseDn: 'ou=people,dc=example,dc=test', filter: '(objectClass=person)' },
      attributes: { email: 'proxyAddresses', groupName: 'displayName' },
    });
    const spec = buildReadSpec(config, activeDirectoryVendor);
    expect(spec.users.filter).toBe('(objectClass=person)');
    expect(spec.groups.filter).toBe('(objectClass=group)');
    expect(spec.userAttributes.email).toBe('proxyAddresses');
    expect(spec.userAttributes.userName).toBe('userPrincipalName');
    expect(spec.groupNameAttribute).toBe('displayName');
  });

  it('requests the id attribute and the disabled marker explicitly, without duplicates', () => {
    const spec = buildReadSpec(ldapSourceConfigSchema.parse(minimal), openLdapVendor);
    const users = userAttributeList(spec);
    expect(users).toEqual(expect.arrayContaining(['entryUUID', 'uid', 'mail', 'pwdAccountLockedTime']));
    expect(users.filter((a) => a === 'uid')).toHaveLength(1);
    expect(groupAttributeList(spec)).toEqual([
      'entryUUID',
      'cn',
      'member',
      'uniqueMember',
      'memberUid',
      'createTimestamp',
    ]);
  });
});
