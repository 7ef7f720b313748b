import { afterEach, describe, expect, it } from 'vitest';
import type { DesiredUser } from '../model/aws.js';
import type { ExternalId } from '../model/ids.js';
import { ScimError, ScimTransportError } from './errors.js';
import { awsError, MockScimEndpoint, TOKEN, userResource } from './test-support.js';

let endpoint: MockScimEndpoint;
afterEach(async () => {
  await endpoint.close();
});

const desired: DesiredUser = {
  externalId: 'ldap/u1' as ExternalId,
  userName: 'u1@example.com',
  displayName: 'User One',
  name: { givenName: 'User', familyName: 'One' },
  emails: [{ value: 'u1@example.com', type: 'work' }],
  phoneNumbers: [],
  addresses: [],
  enterprise: {},
  active: true,
};

async function createError(reply: {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}): Promise<unknown> {
  endpoint = new MockScimEndpoint();
  endpoint.on('POST', '/Users', reply);
  return endpoint
    .client()
    .createUser(desired)
    .catch((e: unknown) => e);
}

describe('ScimClient error mapping', () => {
  it.each([
    [400, 'Request is unparsable, syntactically incorrect, or violates schema.', 'isValidation', 'SCIM_ERROR'],
    [401, 'Unauthorized', 'isAuth', 'CREDENTIALS_INVALID'],
    [403, 'Access denied', 'isAuth', 'CREDENTIALS_INVALID'],
    // POST /Users exists on every tenant: its 404 means a wrong base URL, reported like bad credentials.
    [404, 'Resource not found', 'isAuth', 'CREDENTIALS_INVALID'],
    [409, 'Refused to create a new, duplicate resource.', 'isConflict', 'SCIM_ERROR'],
    [429, 'Too many requests exceeded the limits', 'isThrottle', 'SCIM_ERROR'],
    [500, 'Internal error', 'isServer', 'SCIM_ERROR'],
    [503, 'Unavailable', 'isServer', 'SCIM_ERROR'],
  ] as const)('parses an AWS %i body', async (status, detail, helper, code) => {
    const err = await createError({ status, body: awsError(status, detail) });

    expect(err).toBeInstanceOf(ScimError);
    const e = err as ScimError;
    expect(e).toMatchObject({ status, detail, code, method: 'POST', path: '/Users', requestId: 'req-1' });
    expect(e[helper]).toBe(true);
    expect(e.message).toContain(detail);
    expect(e.message).toContain('req-1');
  });

  it('parses the RFC 7644 §3.12 form with a numeric status and a scimType', async () => {
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: 409,
      scimType: 'uniqueness',
      detail: 'dup',
      extra: 1,
    };
    const err = (await createError({ status: 409, body })) as ScimError;

    expect(err).toMatchObject({ status: 409, scimType: 'uniqueness', detail: 'dup' });
    expect(err.isConflict).toBe(true);
  });

  it('takes the request id from exceptionRequestId when the header is missing', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.agent
      .get('https://scim.us-east-2.amazonaws.com')
      .intercept({ method: 'POST', path: (p) => p.endsWith('/Users') })
      .reply(500, JSON.stringify(awsError(500, 'boom')));

    const err = (await endpoint
      .client()
      .createUser(desired)
      .catch((e: unknown) => e)) as ScimError;

    expect(err.requestId).toBe('body-req-id');
  });

  it('tolerates an HTML body from a proxy', async () => {
    const err = (await createError({
      status: 502,
      body: '<html><body>Bad Gateway</body></html>',
      headers: { 'content-type': 'text/html' },
    })) as ScimError;

    expect(err).toBeInstanceOf(ScimError);
    expect(err.status).toBe(502);
    expect(err.detail).toBeUndefined();
    expect(err.isServer).toBe(true);
  });

  it('treats a redirect as an error instead of following it with the token', async () => {
    const err = (await createError({ status: 307, headers: { location: 'https://evil.example/steal' } })) as ScimError;

    expect(err.status).toBe(307);
    expect(err.message).toMatch(/Redirects are not followed/);
  });

  it('never puts the token in a message, even when the server echoes it', async () => {
    const err = (await createError({ status: 400, body: awsError(400, `bad header Bearer ${TOKEN}`) })) as ScimError;

    expect(err.detail).not.toContain(TOKEN);
    expect(err.message).not.toContain(TOKEN);
    expect(String(err)).not.toContain(TOKEN);
    expect(JSON.stringify(err)).not.toContain(TOKEN);
    expect(err.message).toContain('[REDACTED]');
  });
});

describe('ScimClient transport failures', () => {
  it('marks a reset POST as maybe committed', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.failWith('POST', '/Users', Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }));

    const err = await endpoint
      .client()
      .createUser(desired)
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ScimTransportError);
    expect(err).toMatchObject({
      code: 'SCIM_TRANSPORT',
      method: 'POST',
      path: '/Users',
      maybeCommitted: true,
      causeCode: 'ECONNRESET',
    });
  });

  it('marks a refused connection as not committed', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.failWith(
      'DELETE',
      '/Users/u1',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );

    const err = await endpoint
      .client()
      .deleteUser('u1')
      .catch((e: unknown) => e);

    expect(err).toMatchObject({ maybeCommitted: false, causeCode: 'ECONNREFUSED' });
  });

  it('reads the errno code under an undici socket error', async () => {
    endpoint = new MockScimEndpoint();
    const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    endpoint.failWith(
      'PATCH',
      '/Groups/g1',
      Object.assign(new Error('socket closed', { cause }), { code: 'UND_ERR_SOCKET' }),
    );

    const err = await endpoint
      .client()
      .patchGroup('g1', [{ op: 'add', path: 'members', value: [{ value: 'u1' }] }])
      .catch((e: unknown) => e);

    expect(err).toMatchObject({ causeCode: 'ECONNRESET', maybeCommitted: true });
  });

  it('keeps the token out of a transport error whose cause mentions it', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.failWith('POST', '/Users', Object.assign(new Error(`proxy rejected ${TOKEN}`), { code: 'ECONNRESET' }));

    const err = await endpoint
      .client()
      .createUser(desired)
      .catch((e: unknown) => e);

    expect(String(err)).not.toContain(TOKEN);
    expect(JSON.stringify(err)).not.toContain(TOKEN);
  });

  it('does not retry a POST after a 5xx', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('POST', '/Users', { status: 500, body: awsError(500, 'boom') });

    await expect(endpoint.client().createUser(desired)).rejects.toBeInstanceOf(ScimError);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('returns the created user on 201', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('POST', '/Users', { status: 201, body: userResource('new-id', { externalId: 'ldap/u1' }) });

    expect(await endpoint.client().createUser(desired)).toMatchObject({ id: 'new-id', externalId: 'ldap/u1' });
  });
});
