import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startEmulator, type RunningEmulator } from './index.js';
import { clientFor, filterQuery, isAwsErrorBody, userBody, type Client } from './test-support.js';

const name = { givenName: 'Given', familyName: 'Family' };

let emulator: RunningEmulator;
let call: Client;

beforeAll(async () => {
  emulator = await startEmulator({ tokens: ['first-token', 'second-token'] });
  call = clientFor(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.resetLog();
  emulator.clearFaults();
});

describe('authentication (DG/making-api-requests, UG/rotate-token)', () => {
  it('accepts either of two tokens', async () => {
    expect((await clientFor(emulator, 'first-token')('GET', '/Users')).status).toBe(200);
    expect((await clientFor(emulator, 'second-token')('GET', '/Users')).status).toBe(200);
  });

  it('answers 401 with the AWS body to a wrong or missing token', async () => {
    const wrong = await clientFor(emulator, 'third-token')('GET', '/Users');
    expect(wrong.status).toBe(401);
    expect(isAwsErrorBody(wrong.body, 401)).toBe(true);
    const missing = await fetch(`${emulator.baseUrl}/Users`);
    expect(missing.status).toBe(401);
  });

  it('answers a wrong tenant id with the captured 404 "TENANT does not exist." (https://github.com/slashdevops/idp-scim-sync/issues/42)', async () => {
    const url = emulator.baseUrl.replace(
      /\/[^/]+\/scim\/v2$/,
      '/00000000000-0000-0000-0000-000000000000/scim/v2/Users',
    );
    const reply = await fetch(url, { headers: { authorization: `Bearer ${emulator.token}` } });
    expect(reply.status).toBe(404);
    const body = (await reply.json()) as { detail?: string };
    expect(isAwsErrorBody(body, 404)).toBe(true);
    expect(body.detail).toBe('TENANT does not exist.');
  });

  it('refuses more than two tokens at start', async () => {
    await expect(startEmulator({ tokens: ['a', 'b', 'c'] })).rejects.toThrow(/tokens/);
  });
});

describe('routing (DG/supported-apis, DG/limitations)', () => {
  it.each(['/Users/', '/Groups/', '/ServiceProviderConfig/', '/'])(
    'answers 404 to the trailing slash in %s',
    async (path) => {
      const reply = await call('GET', path);
      expect(reply.status).toBe(404);
      expect(isAwsErrorBody(reply.body, 404)).toBe(true);
    },
  );

  it('accepts a trailing slash when configured to', async () => {
    const lenient = await startEmulator({ trailingSlash: 'accept' });
    try {
      expect((await clientFor(lenient)('GET', '/Users/')).status).toBe(200);
    } finally {
      await lenient.close();
    }
  });

  it.each([
    ['POST', '/Bulk'],
    ['GET', '/Me'],
    ['POST', '/.search'],
    ['POST', '/Users/.search'],
  ])('refuses %s %s as unsupported with 400', async (method, path) => {
    expect((await call(method, path, method === 'GET' ? undefined : {})).status).toBe(400);
  });

  it('answers 404 to an unknown resource', async () => {
    expect((await call('GET', '/Widgets')).status).toBe(404);
  });

  it('serves minimal discovery documents', async () => {
    const spc = await call('GET', '/ServiceProviderConfig');
    expect(spc.body).toMatchObject({ patch: { supported: true }, bulk: { supported: false } });
    expect(spc.body.authenticationSchemes[0].type).toBe('oauthbearertoken');
    const schemas = await call('GET', '/Schemas');
    expect(schemas.body.Resources.map((s: any) => s.id)).toContain('urn:ietf:params:scim:schemas:core:2.0:User');
    const userSchema = await call('GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
    expect(userSchema.body.attributes.find((a: any) => a.name === 'userName').caseExact).toBe(false);
    expect((await call('GET', '/ResourceTypes')).body.Resources.map((r: any) => r.id)).toEqual(['User', 'Group']);
  });
});

describe('writes and the request log', () => {
  it('deletes a user (204), removes it from its groups, and answers 404 afterwards', async () => {
    const created = await call('POST', '/Users', userBody('del'));
    const group = emulator.seedGroup({ displayName: 'With member' }, [created.body.id]);
    expect((await call('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
    expect(emulator.membersOf(group.id ?? '')).toEqual([]);
    const again = await call('DELETE', `/Users/${created.body.id}`);
    expect(again.status).toBe(404);
    expect(again.body.detail).toBe('Specified user does not exist');
    const byMember = await call('GET', `/Groups?${filterQuery(`members.value eq "${created.body.id}"`)}`);
    expect(byMember.status).toBe(404);
  });

  it('deletes a group (204) and answers 404 afterwards', async () => {
    const group = emulator.seedGroup({ displayName: 'Doomed' });
    expect((await call('DELETE', `/Groups/${group.id}`)).status).toBe(204);
    const again = await call('DELETE', `/Groups/${group.id}`);
    expect(again.status).toBe(404);
    expect(again.body.detail).toBe('Specified group does not exist');
  });

  it('replaces a user with PUT (200) and keeps its id', async () => {
    const created = await call('POST', '/Users', userBody('put'));
    const reply = await call(
      'PUT',
      `/Users/${created.body.id}`,
      userBody('put', { displayName: 'Replaced', title: 'Boss' }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: created.body.id, displayName: 'Replaced', title: 'Boss' });
  });

  it('logs every request in order with the x-amzn-RequestId it sent, and counts them', async () => {
    const post = await call('POST', '/Users', userBody('log'));
    const get = await call('GET', `/Users/${post.body.id}`);
    const bad = await call('POST', '/Users', userBody('log'));
    expect(emulator.requestLog.map((e) => [e.method, e.path, e.status])).toEqual([
      ['POST', '/Users', 201],
      ['GET', `/Users/${post.body.id}`, 200],
      ['POST', '/Users', 409],
    ]);
    expect(emulator.requestLog.map((e) => e.requestId)).toEqual(
      [post, get, bad].map((reply) => reply.headers.get('x-amzn-requestid')),
    );
    expect(bad.body.exceptionRequestId).toBe(emulator.requestLog[2]?.requestId);
    expect(emulator.requestLog[0]?.userAgent).toBe('icsync-emulator-test');
    expect(JSON.stringify(emulator.requestLog)).not.toContain('first-token');
    expect(emulator.counters()).toMatchObject({
      requests: 3,
      writes: 2,
      'POST /Users 201': 1,
      'GET /Users/{id} 200': 1,
      'POST /Users 409': 1,
    });
    expect(emulator.writes().map((e) => e.status)).toEqual([201, 409]);
  });
});

describe('injected faults: 5xx, revoked token, 429, lost and reset connections', () => {
  it('answers injected 5xx for the given number of matching requests, then recovers', async () => {
    emulator.injectFault({ method: 'POST', path: '/Users', times: 2, kind: 'status', status: 503 });
    const first = await call('POST', '/Users', userBody('f1'));
    expect(first.status).toBe(503);
    expect(isAwsErrorBody(first.body, 503)).toBe(true);
    expect((await call('GET', '/Users')).status).toBe(200);
    expect((await call('POST', '/Users', userBody('f1'))).status).toBe(503);
    expect((await call('POST', '/Users', userBody('f1'))).status).toBe(201);
    expect(emulator.requestLog.map((e) => e.fault)).toEqual(['status 503', undefined, 'status 503', undefined]);
  });

  it('simulates a revoked token with a 401 fault', async () => {
    emulator.injectFault({ path: /^\/Groups/, times: 1, kind: 'status', status: 401 });
    expect((await call('GET', '/Groups')).status).toBe(401);
    expect((await call('GET', '/Groups')).status).toBe(200);
  });

  it('sends Retry-After on a 429 fault in the requested form', async () => {
    emulator.injectFault({ times: 1, kind: 'status', status: 429, retryAfter: 'seconds', retryAfterSeconds: 7 });
    const reply = await call('GET', '/Users');
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('7');
    expect(emulator.counters()['throttled']).toBe(1);
  });

  it('falls back to the rate-limit setting for the Retry-After form of a 429 fault', async () => {
    emulator.setOptions({ rateLimit: { requestsPerSecond: 1000, burst: 1000, retryAfter: 'none' } });
    emulator.injectFault({ times: 1, kind: 'status', status: 429 });
    try {
      const reply = await call('GET', '/Users');
      expect(reply.status).toBe(429);
      expect(reply.headers.get('retry-after')).toBeNull();
    } finally {
      emulator.setOptions({ rateLimit: null });
    }
  });

  it('commits the write and then drops the connection (drop-after-commit)', async () => {
    emulator.injectFault({ method: 'POST', path: '/Users', times: 1, kind: 'drop-after-commit' });
    await expect(call('POST', '/Users', userBody('dropped'))).rejects.toThrow();
    expect(emulator.users().filter((u) => u.externalId === 'test/dropped')).toHaveLength(1);
    expect(emulator.requestLog[0]).toMatchObject({ status: 201, fault: 'drop-after-commit' });
    const retry = await call('POST', '/Users', userBody('dropped'));
    expect(retry.status).toBe(409);
  });

  it('resets the connection before doing anything (reset-before-commit)', async () => {
    emulator.injectFault({ method: 'POST', times: 1, kind: 'reset-before-commit' });
    await expect(call('POST', '/Users', userBody('reset'))).rejects.toThrow();
    expect(emulator.users().some((u) => u.externalId === 'test/reset')).toBe(false);
    expect((await call('POST', '/Users', userBody('reset'))).status).toBe(201);
  });
});

describe('rate limit (429 ThrottlingException)', () => {
  afterEach(() => {
    vi.useRealTimers();
    emulator.setOptions({ rateLimit: null });
  });

  async function exhaust(): Promise<Awaited<ReturnType<Client>>> {
    for (let i = 0; i < 3; i += 1) await call('GET', '/ServiceProviderConfig');
    return call('GET', '/Users');
  }

  it.each([
    ['seconds', (value: string | null) => expect(value).toMatch(/^[1-9]\d*$/)],
    ['http-date', (value: string | null) => expect(Date.parse(value ?? '')).toBeGreaterThan(Date.now() - 1000)],
    ['none', (value: string | null) => expect(value).toBeNull()],
  ] as const)('answers 429 with Retry-After as %s once the bucket is empty', async (form, check) => {
    emulator.setOptions({ rateLimit: { requestsPerSecond: 0.5, burst: 3, retryAfter: form } });
    const reply = await exhaust();
    expect(reply.status).toBe(429);
    expect(isAwsErrorBody(reply.body, 429)).toBe(true);
    expect(reply.body.detail).toBe('Too many requests exceeded the limits');
    check(reply.headers.get('retry-after'));
    expect(emulator.counters()['throttled']).toBe(1);
  });

  it('refills at the configured rate', async () => {
    // The bucket reads Date, so the refill is checked on a clock that a busy machine cannot move.
    vi.useFakeTimers({ toFake: ['Date'] });
    emulator.setOptions({ rateLimit: { requestsPerSecond: 4, burst: 1, retryAfter: 'seconds' } });
    expect((await call('GET', '/Users')).status).toBe(200);
    expect((await call('GET', '/Users')).status).toBe(429);
    vi.setSystemTime(Date.now() + 200);
    expect((await call('GET', '/Users')).status).toBe(429);
    vi.setSystemTime(Date.now() + 50);
    expect((await call('GET', '/Users')).status).toBe(200);
  });
});

describe('scale', () => {
  // The lookup time at this size is a figure in `npm run bench`.
  it('answers filter lookups among 50,000 users and a 20,000-member group', async () => {
    const big = await startEmulator();
    try {
      const ids = Array.from(
        { length: 50_000 },
        (_, i) => big.seedUser({ userName: `s${i}`, externalId: `s:${i}`, displayName: 'S', name }).id ?? '',
      );
      const group = big.seedGroup({ displayName: 'Huge' }, ids.slice(0, 20_000));
      const bigCall = clientFor(big);
      for (let i = 0; i < 50; i += 1) {
        const reply = await bigCall('GET', `/Users?cursor&count=100&${filterQuery(`externalId eq "s:${i * 997}"`)}`);
        expect(reply.body.Resources).toHaveLength(1);
      }
      const probe = await bigCall(
        'GET',
        `/Groups?${filterQuery(`id eq "${group.id}" and members eq "${ids[19_999]}"`)}`,
      );
      expect(probe.body.totalResults).toBe(1);
    } finally {
      await big.close();
    }
  });
});
