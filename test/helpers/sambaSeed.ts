/**
 * The seed of the Samba AD DC in test/integration/samba-ad.test.ts, as ldbmodify LDIF (applied with the
 * relax control, which lets the seed fix objectGUID, objectSid and whenCreated). Each shape is one that
 * a directory sync gets wrong if it trusts `member` alone or picks winners by id.
 */
import { AD_BASE_DN, DOMAIN_SID } from './samba.js';

export const STAFF = `OU=Staff,${AD_BASE_DN}`;
const GROUPS = `OU=Groups,${AD_BASE_DN}`;
const BULK = `OU=Bulk,${AD_BASE_DN}`;
export const BIG_GROUP_SIZE = 1600;
/** judy's mail is ALICE@…; her GUID sorts first and she was created first, yet alice owns the address. */
export const JUDY_GUID = '00000000-0000-4000-8000-000000000001';
const ALICE_GUID = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
export const NO_UPN_GUID = '00000000-0000-4000-8000-000000000002';
const ENG_PRIMARY_RID = 5001;

type Attrs = Record<string, string | string[]>;

function add(dn: string, attrs: Attrs): string {
  const lines = [`dn: ${dn}`, 'changetype: add'];
  for (const [name, value] of Object.entries(attrs))
    for (const v of [value].flat())
      lines.push(/^[\x20-\x7e]*$/.test(v) ? `${name}: ${v}` : `${name}:: ${Buffer.from(v).toString('base64')}`);
  return `${lines.join('\n')}\n`;
}

function modify(dn: string, op: 'add' | 'replace', attribute: string, values: string[]): string {
  return [
    `dn: ${dn}`,
    'changetype: modify',
    `${op}: ${attribute}`,
    ...values.map((v) => `${attribute}: ${v}`),
    '-',
    '',
  ].join('\n');
}

const ou = (dn: string, name: string) => add(dn, { objectClass: 'organizationalUnit', ou: name });

function person(cn: string, attrs: Attrs = {}, upn = true): string {
  // 544 = NORMAL_ACCOUNT | PASSWD_NOTREQD: an enabled account without a password (MS-ADTS 2.2.16).
  return add(`CN=${cn},${STAFF}`, {
    objectClass: 'user',
    sAMAccountName: cn,
    ...(upn ? { userPrincipalName: `${cn}@icsync.test` } : {}),
    userAccountControl: '544',
    ...attrs,
  });
}

const group = (cn: string, attrs: Attrs = {}) =>
  add(`CN=${cn},${GROUPS}`, { objectClass: 'group', sAMAccountName: cn, ...attrs });
const user = (cn: string) => `CN=${cn},${STAFF}`;
const grp = (cn: string) => `CN=${cn},${GROUPS}`;

export function adSeedLdif(): string {
  const bulk = Array.from({ length: BIG_GROUP_SIZE }, (_, i) => `bulk${String(i + 1).padStart(4, '0')}`);
  return [
    ou(STAFF, 'Staff'),
    ou(GROUPS, 'Groups'),
    ou(BULK, 'Bulk'),
    person('alice', { givenName: 'Alice', sn: 'Liddell', mail: 'alice@icsync.test', objectGUID: ALICE_GUID }),
    person('judy', { givenName: 'Judy', sn: 'Hopps', mail: 'ALICE@icsync.test', objectGUID: JUDY_GUID }),
    modify(user('judy'), 'replace', 'whenCreated', ['20200101000000.0Z']),
    modify(user('alice'), 'replace', 'whenCreated', ['20210101000000.0Z']),
    person('bob', { givenName: 'Bob', sn: 'Builder', userAccountControl: '546' }),
    person('carol', { sn: 'Carroll' }),
    person('dave', { givenName: 'Dave', sn: 'Ops', displayName: 'Dave <ops>; on call' }),
    person('zoe', { givenName: 'Zoë', sn: 'Ångström', displayName: 'Zoë Ångström' }),
    person('erin', { givenName: 'Erin', sn: 'Primary' }),
    person('frank', { givenName: 'Frank', sn: 'Direct' }),
    person('no-upn', { givenName: 'No', sn: 'Upn', objectGUID: NO_UPN_GUID }, false),
    ...bulk.map((cn) =>
      add(`CN=${cn},${BULK}`, {
        objectClass: 'user',
        sAMAccountName: cn,
        userPrincipalName: `${cn}@icsync.test`,
        givenName: 'Bulk',
        sn: cn,
        userAccountControl: '544',
      }),
    ),
    group('all-staff', { member: bulk.map((cn) => `CN=${cn},${BULK}`) }),
    group('eng-primary', { objectSid: `${DOMAIN_SID}-${ENG_PRIMARY_RID}`, member: [user('erin'), user('frank')] }),
    // AD requires membership before the switch, then drops erin from `member`: she is listed nowhere.
    modify(user('erin'), 'replace', 'primaryGroupID', [String(ENG_PRIMARY_RID)]),
    group('child', { member: user('alice') }),
    group('parent', { member: [grp('child'), user('dave')] }),
    group('cyc-a', { member: user('bob') }),
    group('cyc-b', { member: [user('carol'), grp('cyc-a')] }),
    modify(grp('cyc-a'), 'add', 'member', [grp('cyc-b')]),
    group('bottom', { member: user('carol') }),
    group('left', { member: grp('bottom') }),
    group('right', { member: [grp('bottom'), user('zoe')] }),
    group('top', { member: [grp('left'), grp('right')] }),
  ].join('\n');
}
