import { describe, expect, it } from 'vitest';
import type { DesiredUser } from '../model/aws.js';
import type { ExternalId } from '../model/ids.js';
import {
  fromScimGroup,
  fromScimUser,
  isScimGroupResource,
  isScimUserResource,
  toScimGroup,
  toScimUser,
} from './map.js';
import { SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP, SCHEMA_USER, type ScimUserResource } from './wire.js';

function desired(overrides: Partial<DesiredUser> = {}): DesiredUser {
  return {
    externalId: 'ldap/1' as ExternalId,
    userName: 'jane',
    displayName: 'Jane Doe',
    name: { givenName: 'Jane', familyName: 'Doe' },
    emails: [{ value: 'jane@example.com', type: 'work' }],
    phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
    addresses: [{ type: 'work', locality: 'Berlin', country: 'DE' }],
    enterprise: {},
    active: true,
    ...overrides,
  };
}

describe('toScimUser', () => {
  it('builds the CreateUser body with one primary email and no enterprise block when empty', () => {
    expect(toScimUser(desired())).toEqual({
      schemas: [SCHEMA_USER],
      externalId: 'ldap/1',
      userName: 'jane',
      name: { givenName: 'Jane', familyName: 'Doe' },
      displayName: 'Jane Doe',
      active: true,
      emails: [{ value: 'jane@example.com', type: 'work', primary: true }],
      phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
      addresses: [{ type: 'work', locality: 'Berlin', country: 'DE' }],
    });
  });

  it('adds the enterprise extension and its schema when a field is set', () => {
    const body = toScimUser(desired({ enterprise: { department: 'Ops', costCenter: '' } }));
    expect(body.schemas).toEqual([SCHEMA_USER, SCHEMA_ENTERPRISE_USER]);
    expect(body[SCHEMA_ENTERPRISE_USER]).toEqual({ department: 'Ops' });
  });

  it('omits empty lists and empty strings, which AWS rejects', () => {
    const body = toScimUser(desired({ emails: [], phoneNumbers: [], addresses: [], title: '', nickName: 'JD' }));
    expect(body).not.toHaveProperty('emails');
    expect(body).not.toHaveProperty('title');
    expect(body.nickName).toBe('JD');
  });

  it('refuses a second value in a single-valued list', () => {
    const two = [{ value: 'a@example.com' }, { value: 'b@example.com' }];
    expect(() => toScimUser(desired({ emails: two }))).toThrow(/emails.*at most one/);
  });

  it('sends active=false', () => {
    expect(toScimUser(desired({ active: false })).active).toBe(false);
  });
});

describe('fromScimUser', () => {
  const wire: ScimUserResource = {
    id: 'id-1',
    externalId: 'ldap/1',
    userName: 'jane',
    name: { givenName: 'Jane', familyName: 'Doe', middleName: 'Q' },
    displayName: 'Jane Doe',
    title: 'CTO',
    emails: [{ value: 'jane@example.com', type: 'work', primary: true }],
    [SCHEMA_ENTERPRISE_USER]: { department: 'Ops', manager: { value: 'm-1' } },
    meta: { resourceType: 'User', created: 'x', lastModified: 'y' },
  };

  it('maps the wire user to the model, defaulting active to true and keeping the manager id', () => {
    expect(fromScimUser(wire)).toEqual({
      id: 'id-1',
      externalId: 'ldap/1',
      userName: 'jane',
      name: { givenName: 'Jane', familyName: 'Doe', middleName: 'Q' },
      displayName: 'Jane Doe',
      title: 'CTO',
      emails: [{ value: 'jane@example.com', type: 'work', primary: true }],
      phoneNumbers: [],
      addresses: [],
      enterprise: { department: 'Ops' },
      managerId: 'm-1',
      active: true,
    });
  });

  it('keeps active=false and leaves out a missing externalId', () => {
    const { externalId: _drop, ...handMade } = wire;
    const user = fromScimUser({ ...handMade, active: false });
    expect(user.active).toBe(false);
    expect(user).not.toHaveProperty('externalId');
  });

  it('round-trips a desired user through the wire form', () => {
    const d = desired({ enterprise: { division: 'EMEA' }, locale: 'de-DE' });
    const back = fromScimUser({ ...toScimUser(d), id: 'id-9' });
    const { externalId, ...rest } = d;
    expect(back).toEqual({ ...rest, externalId, id: 'id-9', emails: [{ ...d.emails[0], primary: true }] });
  });
});

describe('groups', () => {
  it('builds the CreateGroup body without members', () => {
    expect(toScimGroup({ externalId: 'ldap/g', displayName: 'Ops' })).toEqual({
      schemas: [SCHEMA_GROUP],
      externalId: 'ldap/g',
      displayName: 'Ops',
    });
  });

  it('maps a wire group and ignores the always-empty members', () => {
    expect(fromScimGroup({ id: 'g1', displayName: 'Ops', members: [] })).toEqual({ id: 'g1', displayName: 'Ops' });
  });
});

describe('resource guards', () => {
  it('require an id, and a userName for users', () => {
    expect(isScimUserResource({ id: 'a', userName: 'b' })).toBe(true);
    expect(isScimUserResource({ id: 'a' })).toBe(false);
    expect(isScimUserResource({ id: '', userName: 'b' })).toBe(false);
    expect(isScimGroupResource({ id: 'g' })).toBe(true);
    expect(isScimGroupResource([])).toBe(false);
    expect(isScimGroupResource(null)).toBe(false);
  });
});
