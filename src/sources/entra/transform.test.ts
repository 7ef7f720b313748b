import { describe, expect, it } from 'vitest';
import { emailsOf, isGuest, phoneNumbersOf, transformUser, type TransformOptions } from './transform.js';
import { USER_SELECT, userSelect, type GraphUser } from './wire.js';
import { assembleSnapshot } from './assemble.js';

const ID = '5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const options: TransformOptions = { id: 'corp-entra', userName: 'userPrincipalName', email: 'mail', guests: 'skip' };

function graphUser(over: Partial<GraphUser> = {}): GraphUser {
  return {
    id: ID,
    userPrincipalName: 'ada@contoso.example',
    mail: 'ada.lovelace@contoso.example',
    otherMails: null,
    proxyAddresses: null,
    displayName: 'Ada Lovelace',
    givenName: 'Ada',
    surname: 'Lovelace',
    accountEnabled: true,
    userType: 'Member',
    businessPhones: ['+44 20 7946 0000'],
    mobilePhone: null,
    jobTitle: 'Analyst',
    department: 'Engines',
    employeeId: 'E-1815',
    companyName: 'Contoso',
    ...over,
  };
}

function mapped(over: Partial<GraphUser> = {}, opts: Partial<TransformOptions> = {}) {
  const outcome = transformUser(graphUser(over), { ...options, ...opts });
  if (outcome.kind !== 'user') throw new Error(`expected a user, got skipped: ${outcome.reason}`);
  return outcome.user;
}

describe('transformUser', () => {
  it('maps every selected property, keyed by the immutable object id', () => {
    expect(mapped()).toEqual({
      externalId: `corp-entra/${ID}`,
      userName: 'ada@contoso.example',
      displayName: 'Ada Lovelace',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      title: 'Analyst',
      emails: [{ value: 'ada.lovelace@contoso.example', type: 'work', primary: true }],
      phoneNumbers: [{ value: '+44 20 7946 0000', type: 'work', primary: true }],
      addresses: [],
      enterprise: { employeeNumber: 'E-1815', department: 'Engines', organization: 'Contoso' },
      active: true,
      provenance: { sourceKind: 'entra', sourceId: 'corp-entra', ref: ID },
    });
  });

  it('maps accountEnabled=false to an inactive user and never deactivates on a missing value', () => {
    expect(mapped({ accountEnabled: false }).active).toBe(false);
    expect(mapped({ accountEnabled: null }).active).toBe(true);
  });

  it('turns null and blank values into absent ones', () => {
    const user = mapped({ jobTitle: null, department: '  ', givenName: undefined, businessPhones: [] });
    expect(user.title).toBeUndefined();
    expect(user.enterprise.department).toBeUndefined();
    expect(user.name.givenName).toBeUndefined();
    expect(user.phoneNumbers).toEqual([]);
  });

  it('takes userName from mail when configured, and skips a user without one', () => {
    expect(mapped({}, { userName: 'mail' }).userName).toBe('ada.lovelace@contoso.example');
    expect(transformUser(graphUser({ mail: null }), { ...options, userName: 'mail' })).toEqual({
      kind: 'skipped',
      ref: ID,
      reason: 'no mail to use as userName',
    });
  });

  it('skips guests by default and maps them when guests: include', () => {
    const guest = { userType: 'Guest', userPrincipalName: 'bob_fabrikam.example#EXT#@contoso.onmicrosoft.com' };
    expect(transformUser(graphUser(guest), options)).toMatchObject({
      kind: 'skipped',
      reason: expect.stringContaining('guest'),
    });
    expect(mapped(guest, { guests: 'include' }).userName).toBe('bob_fabrikam.example#EXT#@contoso.onmicrosoft.com');
  });

  it('skips an object without an immutable id', () => {
    expect(transformUser(graphUser({ id: '' }), options)).toMatchObject({
      kind: 'skipped',
      reason: 'no immutable object id',
    });
  });
});

describe('isGuest', () => {
  it('recognises userType Guest and #EXT# UPNs, whatever the case', () => {
    expect(isGuest({ userType: 'Guest', userPrincipalName: 'x@contoso.example' })).toBe(true);
    expect(isGuest({ userType: 'Member', userPrincipalName: 'x_fabrikam.example#ext#@contoso.onmicrosoft.com' })).toBe(
      true,
    );
    expect(isGuest({ userType: 'Member', userPrincipalName: 'x@contoso.example' })).toBe(false);
  });
});

describe('emailsOf', () => {
  const many = graphUser({
    mail: 'ada.lovelace@contoso.example',
    proxyAddresses: [
      'smtp:ada@old.contoso.example',
      'SMTP:ada.lovelace@contoso.example',
      'X500:/o=Contoso/cn=ada',
      'sip:ada@contoso.example',
    ],
    otherMails: ['ada@home.example', 'ADA@OLD.CONTOSO.EXAMPLE'],
  });

  it('lists the primary first, then proxy SMTP addresses, then otherMails, each address once', () => {
    expect(emailsOf(many, 'mail')).toEqual([
      { value: 'ada.lovelace@contoso.example', type: 'work', primary: true },
      { value: 'ada@old.contoso.example', type: 'work', primary: false },
      { value: 'ada@home.example', type: 'other', primary: false },
    ]);
  });

  it('makes the userPrincipalName primary when configured', () => {
    expect(emailsOf(many, 'userPrincipalName').map((e) => [e.value, e.primary])).toEqual([
      ['ada@contoso.example', true],
      ['ada.lovelace@contoso.example', false],
      ['ada@old.contoso.example', false],
      ['ada@home.example', false],
    ]);
  });

  it('falls back to the primary SMTP proxy address when mail is not set', () => {
    expect(
      emailsOf(
        graphUser({ mail: null, proxyAddresses: ['smtp:b@contoso.example', 'SMTP:a@contoso.example'] }),
        'mail',
      )[0],
    ).toEqual({
      value: 'a@contoso.example',
      type: 'work',
      primary: true,
    });
  });
});

describe('phoneNumbersOf', () => {
  it('puts business phones before the mobile phone', () => {
    expect(phoneNumbersOf(graphUser({ mobilePhone: '+44 7700 900000' }))).toEqual([
      { value: '+44 20 7946 0000', type: 'work', primary: true },
      { value: '+44 7700 900000', type: 'mobile', primary: false },
    ]);
    expect(phoneNumbersOf(graphUser({ businessPhones: [], mobilePhone: '+44 7700 900000' }))).toEqual([
      { value: '+44 7700 900000', type: 'mobile', primary: true },
    ]);
  });
});

describe('transformUser with a mapping', () => {
  const mapping = {
    user: {
      'enterprise.costCenter': 'onPremisesExtensionAttributes.extensionAttribute1',
      'enterprise.division': "coalesce(officeLocation, 'HQ')",
      userName: 'lower(mail)',
    },
    group: { displayName: "replace(displayName, '^AWS-', '')" },
  };

  it('reads mapped Graph properties, nested ones included, and selects them', () => {
    const raw = {
      ...graphUser(),
      onPremisesExtensionAttributes: { extensionAttribute1: 'CC-12' },
    } as GraphUser;
    const outcome = transformUser(raw, { ...options, mapping });
    expect(outcome).toMatchObject({
      kind: 'user',
      user: { userName: 'ada.lovelace@contoso.example', enterprise: { costCenter: 'CC-12', division: 'HQ' } },
    });
    expect(userSelect(mapping)).toEqual([...USER_SELECT, 'onPremisesExtensionAttributes', 'officeLocation']);
    expect(userSelect(undefined)).toBe(USER_SELECT);
  });

  it('maps group names and skips a group whose mapped name is empty', () => {
    const snapshot = assembleSnapshot(
      {
        users: [],
        groups: [
          { id: 'g1', displayName: 'AWS-Admins', memberIds: [] },
          { id: 'g2', displayName: 'AWS-', memberIds: [] },
        ],
      },
      { ...options, mapping },
      '2026-01-01T00:00:00.000Z',
    );
    expect(snapshot.groups.map((g) => g.displayName)).toEqual(['Admins']);
    expect(snapshot.skipped).toEqual([
      { object: 'group', ref: 'g2', reason: 'mapping.group.displayName gave no value' },
    ]);
  });

  it('names the manager by object id', () => {
    const raw = { ...graphUser(), manager: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d' };
    const outcome = transformUser(raw, {
      ...options,
      mapping: { user: { 'enterprise.manager': 'manager' }, group: {} },
    });
    expect(outcome).toMatchObject({
      user: { manager: { ref: raw.manager, externalId: `corp-entra/${raw.manager}` } },
    });
  });
});
