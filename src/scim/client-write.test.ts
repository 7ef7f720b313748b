import { afterEach, describe, expect, it } from 'vitest';
import type { DesiredUser } from '../model/aws.js';
import type { ExternalId } from '../model/ids.js';
import { UnsendableValueError } from './errors.js';
import { memberPatch, renameGroupPatch } from './patch.js';
import { BASE_PATH, BASE_URL, collect, cursorPage, MockScimEndpoint, TOKEN, userResource } from './test-support.js';
import { SCHEMA_ENTERPRISE_USER, SCHEMA_PATCH_OP, SCHEMA_USER } from './wire.js';

let endpoint: MockScimEndpoint;
afterEach(async () => {
  await endpoint.close();
});

const desired: DesiredUser = {
  externalId: 'ldap/u1' as ExternalId,
  userName: 'u1@example.com',
  displayName: 'User One',
  name: { givenName: 'User', familyName: 'One', middleName: '' },
  title: 'Engineer',
  emails: [{ value: 'u1@example.com', type: 'work' }],
  phoneNumbers: [],
  addresses: [],
  enterprise: { department: 'R&D' },
  active: true,
};

describe('ScimClient requests', () => {
  it('sends bearer, User-Agent, Accept, and Content-Type only with a body', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('POST', '/Users', { status: 201, body: userResource('id-1') });
    endpoint.on('GET', '/Users/id-1', { status: 200, body: userResource('id-1') });
    const client = endpoint.client();

    await client.createUser(desired);
    await client.getUser('id-1');

    const [post, get] = endpoint.requests;
    expect(post?.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'user-agent': 'icsync/0.1.0',
      accept: 'application/json',
      'content-type': 'application/scim+json',
    });
    expect(get?.headers['user-agent']).toBe('icsync/0.1.0');
    expect(get?.headers['content-type']).toBeUndefined();
  });

  it('sends a configured User-Agent', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('DELETE', '/Groups/g1', { status: 204 });

    expect(await endpoint.client({ userAgent: 'icsync-test/9' }).deleteGroup('g1')).toBe('deleted');
    expect(endpoint.requests[0]?.headers['user-agent']).toBe('icsync-test/9');
  });

  it('joins a base URL with trailing slashes to resource paths with exactly one slash', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users', { status: 200, body: cursorPage([]) });
    endpoint.on('DELETE', '/Users/u%2F1', { status: 404 });
    const client = endpoint.client({ baseUrl: `${BASE_URL}//` });

    await collect(client.listUsers());
    expect(await client.deleteUser('u/1')).toBe('not-found');

    expect(endpoint.requests.map((r) => r.path.split('?')[0])).toEqual([
      `${BASE_PATH}/Users`,
      `${BASE_PATH}/Users/u%2F1`,
    ]);
  });

  it('POSTs the CreateUser body: schemas, one primary email, no empty strings', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('POST', '/Users', { status: 201, body: userResource('id-1') });

    await endpoint.client().createUser(desired);

    const body = JSON.parse(endpoint.requests[0]?.body ?? '{}');
    expect(body.schemas).toEqual([SCHEMA_USER, SCHEMA_ENTERPRISE_USER]);
    expect(body.emails).toEqual([{ value: 'u1@example.com', type: 'work', primary: true }]);
    expect(body.name).toEqual({ givenName: 'User', familyName: 'One' });
    expect(body[SCHEMA_ENTERPRISE_USER]).toEqual({ department: 'R&D' });
    expect(body).not.toHaveProperty('groups');
  });

  it('PATCHes a user with a PatchOp envelope and maps the 200 body', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('PATCH', '/Users/id-1', { status: 200, body: userResource('id-1', { active: false }) });

    const user = await endpoint.client().patchUser('id-1', [{ op: 'replace', path: 'active', value: 'false' }]);

    expect(user.active).toBe(false);
    expect(JSON.parse(endpoint.requests[0]?.body ?? '{}')).toEqual({
      schemas: [SCHEMA_PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: 'false' }],
    });
  });

  it('creates a group and patches its members and name', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('POST', '/Groups', { status: 201, body: { id: 'g1', externalId: 'ldap/g', displayName: 'Ops' } });
    endpoint.on('PATCH', '/Groups/g1', { status: 204 });
    const client = endpoint.client();

    expect(await client.createGroup({ externalId: 'ldap/g', displayName: 'Ops' })).toEqual({
      id: 'g1',
      externalId: 'ldap/g',
      displayName: 'Ops',
    });
    await client.patchGroup('g1', [memberPatch('add', ['u1', 'u2']), renameGroupPatch('Ops 2')]);

    expect(JSON.parse(endpoint.requests[1]?.body ?? '{}').Operations).toEqual([
      { op: 'add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] },
      { op: 'replace', path: 'displayName', value: 'Ops 2' },
    ]);
  });

  it('refuses a PatchGroup with more than 100 membership changes before sending it', async () => {
    endpoint = new MockScimEndpoint();
    const ids = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);

    await expect(
      endpoint.client().patchGroup('g1', [memberPatch('add', ids(60, 'a')), memberPatch('remove', ids(41, 'r'))]),
    ).rejects.toThrow(/101 membership changes/);
    expect(endpoint.requests).toHaveLength(0);
  });

  it('awaits the limiter before every request, reads included', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users', { status: 200, body: cursorPage([userResource('u1')], 'n') });
    endpoint.on('GET', '/Users', { status: 200, body: cursorPage([]) });
    endpoint.on('DELETE', '/Users/u1', { status: 204 });
    let acquired = 0;
    const client = endpoint.client({ limiter: { acquire: async () => void (acquired += 1), pause: () => undefined } });

    await collect(client.listUsers());
    await client.deleteUser('u1');

    expect(acquired).toBe(3);
  });

  it('rejects a base URL with a query string and a page size above 100', () => {
    endpoint = new MockScimEndpoint();
    expect(() => endpoint.client({ baseUrl: `${BASE_URL}?x=1` })).toThrow(/query/);
    expect(() => endpoint.client({ pageSize: 101 })).toThrow(/pageSize/);
  });

  it('never sends a value holding a character AWS rejects, externalId included (https://docs.aws.amazon.com/singlesignon/latest/userguide/provision-automatically.html)', async () => {
    endpoint = new MockScimEndpoint();
    const client = endpoint.client();
    await expect(client.createGroup({ externalId: 'ldap:g', displayName: 'Ops' })).rejects.toThrow(
      /attribute externalId holds a character/,
    );
    await expect(client.patchUser('u1', [{ op: 'replace', path: 'title', value: 'R&D; Ops' }])).rejects.toThrow(
      /attribute title holds a character/,
    );
    await expect(
      client.patchGroup('g1', [{ op: 'replace', path: 'displayName', value: 'a\tb' }]),
    ).rejects.toBeInstanceOf(UnsendableValueError);
    expect(endpoint.requests).toHaveLength(0);
  });
});
