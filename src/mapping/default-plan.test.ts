/**
 * With no `mapping` configured every source must produce exactly what it produced before mappings
 * existed. The hashes below were recorded from the code before this feature; a change in any of them
 * means a default changed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDesiredState } from '../diff/desired.js';
import { planChanges } from '../diff/planner.js';
import { ownershipPrefix } from '../model/ids.js';
import type { TargetUser } from '../model/aws.js';
import { entraSourceConfigSchema } from '../sources/entra/config.js';
import { transformUser as entraUser } from '../sources/entra/transform.js';
import { fileSourceConfigSchema } from '../sources/file/config.js';
import { parseDirectoryFile, toSnapshot } from '../sources/file/read.js';
import { ldapSourceConfigSchema } from '../sources/ldap/config.js';
import { toLdapEntry } from '../sources/ldap/entry.js';
import { buildReadSpec } from '../sources/ldap/spec.js';
import { transformGroup, transformUser as ldapUser } from '../sources/ldap/transform.js';
import { activeDirectoryVendor, openLdapVendor } from '../sources/ldap/vendors.js';
import { oktaSourceConfigSchema } from '../sources/okta/config.js';
import { groupEntry, userEntry } from '../sources/okta/transform.js';

const digest = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

const sample = parseDirectoryFile(
  readFileSync(resolve(import.meta.dirname, '../../examples/sample-directory.json'), 'utf8'),
  'json',
);
const fileConfig = fileSourceConfigSchema.parse({ type: 'file', id: 'sample', path: 'examples/sample-directory.json' });

function samplePlan(users: TargetUser[] = []) {
  const snap = toSnapshot(sample, fileConfig, '2026-01-01T00:00:00.000Z');
  const current = { users, groups: [], members: new Map<string, Set<string>>() };
  const desired = buildDesiredState([snap], current, { nameFallback: 'derive', maxNestingDepth: 10 });
  return planChanges(desired, current, {
    managedPrefixes: [ownershipPrefix('sample')],
    adopt: false,
    deleteGracePeriodMs: 0,
    now: Date.parse('2026-06-01T00:00:00Z'),
    outOfScopeSince: {},
    brake: { percent: 5, minimum: 10 },
    // The hashes were recorded when new groups were created empty; members sent in the POST change
    // the operations by design, not the mapping, so the comparison runs in that earlier shape.
    groupCreateMembers: 'patch',
  });
}

const ldapBase = {
  type: 'ldap',
  id: 'corp',
  url: 'ldaps://ldap.example.test',
  bindDn: 'cn=reader',
  bindPassword: { env: 'PW' },
  users: { baseDn: 'ou=people,dc=example,dc=test' },
  groups: { baseDn: 'ou=groups,dc=example,dc=test' },
};

describe('the default mapping', () => {
  it('plans the sample directory exactly as before', () => {
    const plan = samplePlan();
    expect(plan.operations.length).toBe(149);
    // Recorded before mappings existed as 26db5fade37b18b9 under the earlier canonical-JSON hash
    // encoding, then as e77e332d39c88f35 under the fixed-order JSON-array encoding; the same operations
    // give b82d3cbd5d39aaaa under the length-prefixed structure-and-text encoding (src/diff/hash-writer.ts),
    // which also counts the members each createGroup sends (none here).
    expect(plan.hash).toBe('b82d3cbd5d39aaaa');
  });

  it('builds the same users from LDAP, Entra and Okta records as before', () => {
    const openldap = buildReadSpec(ldapSourceConfigSchema.parse(ldapBase), openLdapVendor);
    const ad = buildReadSpec(
      ldapSourceConfigSchema.parse({ ...ldapBase, vendor: 'activedirectory' }),
      activeDirectoryVendor,
    );
    const ldap = [
      ldapUser(
        toLdapEntry({
          dn: 'uid=carol,ou=people,dc=example,dc=test',
          entryUUID: 'b7450788-7c92-1041-8967-99a5b3e6f164',
          uid: 'carol',
          cn: 'Carol Jones',
          givenName: 'Carol',
          sn: 'Jones',
          mail: ['carol@example.com', 'cj@example.org'],
          telephoneNumber: '+1 555 0100',
          title: 'Engineer',
          departmentNumber: 'R&D',
          employeeNumber: '42',
          manager: 'uid=boss,ou=people,dc=example,dc=test',
        }),
        openldap,
      ),
      transformGroup(
        toLdapEntry({
          dn: 'cn=eng,ou=groups,dc=example,dc=test',
          entryUUID: 'c7450788-7c92-1041-8967-99a5b3e6f164',
          cn: 'Engineering',
          member: 'uid=carol,ou=people,dc=example,dc=test',
        }),
        openldap,
      ),
      ldapUser(
        toLdapEntry({
          dn: 'CN=Dave,OU=People,DC=corp,DC=test',
          objectGUID: Buffer.from([...Array(16).keys()]),
          userPrincipalName: 'dave@corp.test',
          displayName: 'Dave Doe',
          department: 'Sales',
          employeeID: 'E-7',
          userAccountControl: '514',
        }),
        ad,
      ),
    ];
    const entraConfig = entraSourceConfigSchema.parse({
      type: 'entra',
      id: 'corp-entra',
      tenantId: '00000000-0000-4000-8000-000000000001',
      clientId: '00000000-0000-4000-8000-000000000002',
      credential: { clientSecret: { env: 'S' } },
    });
    const entra = entraUser(
      {
        id: '11111111-0000-4000-8000-000000000001',
        userPrincipalName: 'erin@corp.test',
        mail: 'Erin@corp.test',
        displayName: 'Erin Example',
        givenName: 'Erin',
        surname: 'Example',
        jobTitle: 'Analyst',
        department: 'Finance',
        companyName: 'Corp',
        employeeId: 'E-9',
        businessPhones: ['+1 555 0101'],
        mobilePhone: '+1 555 0102',
        proxyAddresses: ['SMTP:erin@corp.test', 'smtp:e@corp.test'],
        otherMails: ['erin@home.test'],
        accountEnabled: true,
      },
      entraConfig,
    );
    const oktaConfig = oktaSourceConfigSchema.parse({
      type: 'okta',
      id: 'corp-okta',
      orgUrl: 'https://corp.okta.com',
      auth: { apiToken: { env: 'T' } },
      scope: { type: 'groups', ids: ['00g1'] },
    });
    const okta = [
      userEntry(
        {
          id: '00u1',
          status: 'ACTIVE',
          profile: {
            login: 'fay@corp.test',
            email: 'fay@corp.test',
            secondEmail: 'fay@home.test',
            firstName: 'Fay',
            lastName: 'Field',
            displayName: 'Fay Field',
            title: 'Lead',
            userType: 'Employee',
            locale: 'en_US',
            timezone: 'Europe/Paris',
            employeeNumber: '77',
            costCenter: 'CC-1',
            organization: 'Corp',
            division: 'R&D',
            department: 'Platform',
            primaryPhone: '+33 1 00 00 00 00',
            streetAddress: '1 Rue',
            city: 'Paris',
            countryCode: 'FR',
            managerId: '00u2',
          },
        },
        { sourceId: 'corp-okta', statuses: oktaConfig.statuses, attributes: oktaConfig.attributes },
      ),
      groupEntry({ id: '00g1', profile: { name: 'Platform' } }, ['00u1']),
    ];
    expect(digest({ ldap, entra, okta })).toBe('442812d01e2e0578');
  });
});
