import { describe, expect, it } from 'vitest';
import {
  groupEntry,
  statusOutcome,
  toSnapshot,
  userEntry,
  type Directory,
  type TransformSpec,
  type UserEntry,
} from './transform.js';
import { compileMapping } from '../../mapping/config.js';

const spec: TransformSpec = {
  sourceId: 'corp-okta',
  statuses: { staged: 'exclude', provisioned: 'exclude' },
  attributes: { userName: 'login', email: 'email' },
};
const READ_AT = '2026-03-01T12:00:00.000Z';

function user(entry: UserEntry) {
  if (entry.kind !== 'user') throw new Error(`expected a user, got ${entry.kind}`);
  return entry.user;
}

describe('statusOutcome', () => {
  it.each([
    ['ACTIVE', 'active'],
    ['RECOVERY', 'active'],
    ['PASSWORD_EXPIRED', 'active'],
    ['LOCKED_OUT', 'active'],
    ['SUSPENDED', 'inactive'],
    ['DEPROVISIONED', 'inactive'],
    ['STAGED', 'exclude'],
    ['PROVISIONED', 'exclude'],
    ['SOMETHING_NEW', 'inactive'],
    [undefined, 'inactive'],
  ])('%s → %s by default', (status, outcome) => {
    expect(statusOutcome(status, spec.statuses)).toBe(outcome);
  });

  it('keeps never-activated users as inactive when configured', () => {
    expect(statusOutcome('STAGED', { staged: 'inactive', provisioned: 'exclude' })).toBe('inactive');
    expect(statusOutcome('PROVISIONED', { staged: 'exclude', provisioned: 'inactive' })).toBe('inactive');
  });
});

describe('userEntry', () => {
  const profile = {
    login: 'ada@corp.example',
    email: 'ada.lovelace@corp.example',
    secondEmail: 'ada@home.example',
    firstName: 'Ada',
    lastName: 'Lovelace',
    displayName: 'Ada Lovelace',
    title: 'Analyst',
    department: 'R&D',
    employeeNumber: 'E-1815',
    primaryPhone: '+44 20 7946 0000',
    mobilePhone: '+44 7700 900000',
    city: 'London',
    countryCode: 'GB',
    customAttribute: { nested: true },
  };

  it('maps the Okta base profile, with the Okta id as the immutable part of externalId', () => {
    expect(user(userEntry({ id: '00uAda', status: 'LOCKED_OUT', profile }, spec))).toEqual({
      externalId: 'corp-okta/00uAda',
      userName: 'ada@corp.example',
      displayName: 'Ada Lovelace',
      name: {
        givenName: 'Ada',
        familyName: 'Lovelace',
        middleName: undefined,
        honorificPrefix: undefined,
        honorificSuffix: undefined,
      },
      nickName: undefined,
      title: 'Analyst',
      userType: undefined,
      preferredLanguage: undefined,
      locale: undefined,
      timezone: undefined,
      emails: [
        { value: 'ada.lovelace@corp.example', type: 'work', primary: true },
        { value: 'ada@home.example', type: 'other', primary: false },
      ],
      phoneNumbers: [
        { value: '+44 20 7946 0000', type: 'work', primary: true },
        { value: '+44 7700 900000', type: 'mobile', primary: false },
      ],
      addresses: [
        {
          type: 'work',
          streetAddress: undefined,
          locality: 'London',
          region: undefined,
          postalCode: undefined,
          country: 'GB',
          primary: true,
        },
      ],
      enterprise: {
        employeeNumber: 'E-1815',
        costCenter: undefined,
        organization: undefined,
        division: undefined,
        department: 'R&D',
      },
      active: true,
      provenance: { sourceKind: 'okta', sourceId: 'corp-okta', ref: '/api/v1/users/00uAda' },
    });
  });

  it('takes userName and the primary email from the configured attributes', () => {
    const swapped = user(
      userEntry(
        { id: '00uAda', status: 'ACTIVE', profile },
        { ...spec, attributes: { userName: 'email', email: 'login' } },
      ),
    );
    expect(swapped.userName).toBe('ada.lovelace@corp.example');
    expect(swapped.emails[0]).toEqual({ value: 'ada@corp.example', type: 'work', primary: true });
  });

  it('ignores blanks, nulls and non-strings, and does not repeat an email or phone number', () => {
    const sparse = user(
      userEntry(
        {
          id: '00u1',
          status: 'ACTIVE',
          profile: { login: ' u1 ', email: null, secondEmail: 'U1@x.example', title: '  ', mobilePhone: 5 },
        },
        spec,
      ),
    );
    expect(sparse).toMatchObject({ userName: 'u1', title: undefined, phoneNumbers: [], addresses: [] });
    expect(sparse.emails).toEqual([{ value: 'U1@x.example', type: 'other', primary: true }]);
    const same = user(
      userEntry(
        {
          id: '00u2',
          profile: { login: 'a', email: 'A@x', secondEmail: 'a@X', primaryPhone: '1', mobilePhone: '1' },
          status: 'ACTIVE',
        },
        spec,
      ),
    );
    expect(same.emails).toHaveLength(1);
    expect(same.phoneNumbers).toHaveLength(1);
  });

  it('excludes or skips instead of mapping', () => {
    expect(userEntry({ id: '00u1', status: 'STAGED', profile }, spec)).toEqual({ kind: 'excluded', status: 'STAGED' });
    expect(userEntry({ id: '00u1', status: 'ACTIVE', profile: { email: 'x@y' } }, spec)).toEqual({
      kind: 'skipped',
      reason: 'no profile.login to use as userName',
    });
    expect(user(userEntry({ id: '00u1', status: 'SUSPENDED', profile }, spec)).active).toBe(false);
  });
});

describe('toSnapshot', () => {
  it('resolves group members to synced users and reports the others', () => {
    const directory: Directory = {
      users: new Map<string, UserEntry>([
        ['00u1', userEntry({ id: '00u1', status: 'ACTIVE', profile: { login: 'one' } }, spec)],
        ['00u2', { kind: 'excluded', status: 'PROVISIONED' }],
        ['00u3', { kind: 'skipped', reason: 'no profile.login to use as userName' }],
      ]),
      groups: new Map([
        [
          '00gA',
          groupEntry({ id: '00gA', profile: { name: 'aws-admins' }, lastMembershipUpdated: new Date(READ_AT) }, [
            '00u1',
            '00u2',
            '00u3',
            '00u1',
            '00u9',
          ]),
        ],
        ['00gB', groupEntry({ id: '00gB', profile: {} }, [])],
      ]),
      watermarks: {},
    };
    const snapshot = toSnapshot(directory, spec, READ_AT);
    expect(snapshot).toMatchObject({ sourceId: 'corp-okta', sourceKind: 'okta', readAt: READ_AT });
    expect(snapshot.users.map((u) => u.userName)).toEqual(['one']);
    expect(snapshot.groups).toEqual([
      {
        externalId: 'corp-okta/00gA',
        displayName: 'aws-admins',
        memberUsers: ['corp-okta/00u1'],
        memberGroups: [],
        provenance: { sourceKind: 'okta', sourceId: 'corp-okta', ref: '/api/v1/groups/00gA' },
      },
    ]);
    expect(snapshot.unresolvedMembers.map((m) => `${m.member}: ${m.reason}`)).toEqual([
      '00u2: user status PROVISIONED is excluded (statuses.provisioned)',
      '00u3: user skipped: no profile.login to use as userName',
      '00u9: user not found in Okta',
    ]);
    expect(snapshot.skipped).toEqual([
      { object: 'user', ref: '/api/v1/users/00u3', reason: 'no profile.login to use as userName' },
      { object: 'group', ref: '/api/v1/groups/00gB', reason: 'no profile.name to use as displayName' },
    ]);
  });

  it('stores the group lastMembershipUpdated it read members at, from Date or string', () => {
    expect(groupEntry({ profile: { name: 'a' }, lastMembershipUpdated: '2026-02-03T04:05:06Z' }, [])).toMatchObject({
      lastMembershipUpdated: '2026-02-03T04:05:06.000Z',
    });
    expect(groupEntry({ profile: { name: 'a' } }, [])).not.toHaveProperty('lastMembershipUpdated');
  });
});

describe('userEntry and groupEntry with a mapping', () => {
  const mapping = compileMapping({
    user: {
      'enterprise.costCenter': "coalesce(costCenterCode, costCenter, 'CC-0')",
      'enterprise.manager': 'managerId',
      title: 'upper(title)',
    },
    group: { displayName: "replace(name, '^aws-', '')" },
  });

  it('maps profile attributes and names the manager by Okta id', () => {
    const mapped = user(
      userEntry(
        {
          id: '00u1',
          status: 'ACTIVE',
          profile: { login: 'a@x.test', title: 'Lead', costCenterCode: 'CC-9', managerId: '00u2' },
        },
        { ...spec, mapping },
      ),
    );
    expect(mapped).toMatchObject({ title: 'LEAD', enterprise: { costCenter: 'CC-9' } });
    expect(mapped.manager).toEqual({ ref: '00u2', externalId: 'corp-okta/00u2' });
    const unmanaged = user(
      userEntry({ id: '00u3', status: 'ACTIVE', profile: { login: 'b@x.test' } }, { ...spec, mapping }),
    );
    expect(unmanaged.manager).toBeNull();
    expect(unmanaged.enterprise.costCenter).toBe('CC-0');
  });

  it('maps the group displayName from the group profile', () => {
    expect(groupEntry({ id: '00g1', profile: { name: 'aws-Platform' } }, [], mapping)).toMatchObject({
      kind: 'group',
      displayName: 'Platform',
    });
  });
});
