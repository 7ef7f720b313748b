import { afterEach, describe, expect, it } from 'vitest';
import { ScimProtocolError } from './errors.js';
import { collect, cursorPage, legacyPage, MockScimEndpoint, userResource } from './test-support.js';

let endpoint: MockScimEndpoint;
afterEach(async () => {
  await endpoint.close();
});

describe('ScimClient listing', () => {
  it('walks three cursor pages, a short middle page included, keeping the filter', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users', { status: 200, body: cursorPage([userResource('u1'), userResource('u2')], 'c+1/a=') });
    endpoint.on('GET', '/Users', { status: 200, body: cursorPage([userResource('u3')], 'c2') });
    endpoint.on('GET', '/Users', { status: 200, body: cursorPage([userResource('u4'), userResource('u5')]) });

    const users = await collect(endpoint.client({ pageSize: 2 }).listUsers('userName eq "a b"'));

    expect(users.map((u) => u.id)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    const filter = 'filter=userName%20eq%20%22a%20b%22';
    expect(endpoint.query(0)).toBe(`cursor&count=2&${filter}`);
    expect(endpoint.query(1)).toBe(`cursor=c%2B1%2Fa%3D&count=2&${filter}`);
    expect(endpoint.query(2)).toBe(`cursor=c2&count=2&${filter}`);
  });

  it('sends an empty cursor and count=100 on the first request without a filter', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Groups', {
      status: 200,
      body: cursorPage([{ id: 'g1', displayName: 'Admins', members: [] }]),
    });

    const groups = await collect(endpoint.client().listGroups());

    expect(groups).toEqual([{ id: 'g1', displayName: 'Admins' }]);
    expect(endpoint.query(0)).toBe('cursor&count=100');
  });

  it('refuses a server that hands back a cursor it already gave', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users', { status: 200, body: cursorPage([userResource('u1')], 'same') });
    endpoint.on('GET', '/Users', { status: 200, body: cursorPage([userResource('u2')], 'same') });

    const err = await collect(endpoint.client().listUsers()).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ScimProtocolError);
    expect(err).toMatchObject({ problem: 'repeated-cursor', code: 'SCIM_ERROR', path: '/Users' });
  });

  it('refuses a legacy, non-cursor answer capped at 50 results', async () => {
    endpoint = new MockScimEndpoint();
    const fifty = Array.from({ length: 50 }, (_, i) => userResource(`u${i}`));
    endpoint.on('GET', '/Users', { status: 200, body: legacyPage(fifty, 50) });

    const err = await collect(endpoint.client().listUsers()).catch((e: unknown) => e);

    expect(err).toMatchObject({ problem: 'incomplete-listing' });
  });

  it('refuses a last page when totalResults exceeds what was returned', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users', { status: 200, body: legacyPage([userResource('u1'), userResource('u2')], 69) });

    const err = await collect(endpoint.client().listUsers()).catch((e: unknown) => e);

    expect(err).toMatchObject({ problem: 'incomplete-listing' });
  });

  it('accepts a small non-cursor answer whose totalResults matches', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users', { status: 200, body: legacyPage([userResource('u1')], 1) });

    expect(await collect(endpoint.client().listUsers())).toHaveLength(1);
  });

  it('rejects a ListResponse whose resources lack an id', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users', { status: 200, body: cursorPage([{ userName: 'x' }]) });

    const err = await collect(endpoint.client().listUsers()).catch((e: unknown) => e);

    expect(err).toMatchObject({ problem: 'malformed-response' });
  });

  it('lists group members through the groups.value filter', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users', { status: 200, body: cursorPage([userResource('u1')]) });

    const members = await collect(endpoint.client().listGroupMembers('g-1'));

    expect(members.map((m) => m.id)).toEqual(['u1']);
    expect(endpoint.query(0)).toBe(`cursor&count=100&filter=${encodeURIComponent('groups.value eq "g-1"')}`);
  });
});

describe('ScimClient lookups', () => {
  it('maps a 404 on GET /Users/{id} to null and a 200 to the user', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users/missing', { status: 404, body: { status: '404', detail: 'not found' } });
    endpoint.on('GET', '/Users/u1', { status: 200, body: userResource('u1', { active: undefined }) });
    const client = endpoint.client();

    expect(await client.getUser('missing')).toBeNull();
    expect(await client.getUser('u1')).toMatchObject({ id: 'u1', active: true, externalId: 'ldap/u1' });
  });

  it('returns the first match of an eq filter, or null', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Groups', { status: 200, body: legacyPage([{ id: 'g1', displayName: 'Ops "core"' }], 1) });
    endpoint.on('GET', '/Users', { status: 200, body: legacyPage([], 0) });
    const client = endpoint.client();

    expect(await client.findGroupByDisplayName('Ops "core"')).toEqual({ id: 'g1', displayName: 'Ops "core"' });
    expect(await client.findUserByExternalId('ldap/nobody')).toBeNull();
    expect(endpoint.query(0)).toBe(`filter=${encodeURIComponent('displayName eq "Ops \\"core\\""')}`);
    expect(endpoint.query(1)).toBe(`filter=${encodeURIComponent('externalId eq "ldap/nobody"')}`);
  });

  it('probes membership with the id-and-members filter; a 404 means not a member', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Groups', { status: 200, body: legacyPage([{ id: 'g1', displayName: 'A', members: [] }], 1) });
    endpoint.on('GET', '/Groups', { status: 200, body: legacyPage([], 0) });
    endpoint.on('GET', '/Groups', { status: 404, body: { status: '404', detail: 'member does not exist' } });
    const client = endpoint.client();

    expect(await client.isMember('g1', 'u1')).toBe(true);
    expect(await client.isMember('g1', 'u2')).toBe(false);
    expect(await client.isMember('g1', 'ghost')).toBe(false);
    expect(endpoint.query(0)).toBe(`filter=${encodeURIComponent('id eq "g1" and members eq "u1"')}`);
  });
});
