import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DesiredUser } from '../model/aws.js';
import type { ExternalId } from '../model/ids.js';
import { ScimError, ScimTransportError } from './errors.js';
import type { RequestLimiter } from './limiter.js';
import { awsError, collect, cursorPage, MockScimEndpoint, userResource } from './test-support.js';

let endpoint: MockScimEndpoint;
afterEach(async () => {
  vi.useRealTimers();
  await endpoint.close();
});

function spyLimiter(): RequestLimiter & { acquired: number; pauses: number[] } {
  return {
    acquired: 0,
    pauses: [],
    async acquire() {
      this.acquired += 1;
    },
    pause(ms: number) {
      this.pauses.push(ms);
    },
  };
}

const desired: DesiredUser = {
  externalId: 'ldap/u1' as ExternalId,
  userName: 'u1',
  displayName: 'U',
  name: { givenName: 'U', familyName: 'One' },
  emails: [],
  phoneNumbers: [],
  addresses: [],
  enterprise: {},
  active: true,
};

describe('ScimClient read retries', () => {
  it('retries a throttled GET after the Retry-After delay and pauses the limiter', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users/u1', {
      status: 429,
      body: awsError(429, 'Too many requests'),
      headers: { 'retry-after': '2' },
    });
    endpoint.on('GET', '/Users/u1', { status: 200, body: userResource('u1') });
    const limiter = spyLimiter();

    const pending = endpoint.client({ limiter }).getUser('u1');
    await vi.advanceTimersByTimeAsync(1_990);
    expect(endpoint.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);

    expect(await pending).toMatchObject({ id: 'u1' });
    expect(endpoint.requests).toHaveLength(2);
    expect(limiter.pauses).toEqual([2000]);
    expect(limiter.acquired).toBe(2);
  });

  it('honours an HTTP-date Retry-After', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: new Date('2025-01-01T00:00:00Z') });
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users/u1', { status: 429, headers: { 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' } });
    endpoint.on('GET', '/Users/u1', { status: 200, body: userResource('u1') });
    const limiter = spyLimiter();

    const pending = endpoint.client({ limiter }).getUser('u1');
    await vi.advanceTimersByTimeAsync(2_900);
    expect(endpoint.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);

    expect(await pending).not.toBeNull();
    expect(limiter.pauses).toEqual([3000]);
  });

  it('retries a GET on 5xx and on a network error, then succeeds', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users', { status: 503, body: '<html>Service Unavailable</html>' });
    endpoint.failWith('GET', '/Users', Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    endpoint.on('GET', '/Users', { status: 200, body: cursorPage([userResource('u1')]) });

    expect(await collect(endpoint.client().listUsers())).toHaveLength(1);
    expect(endpoint.requests).toHaveLength(2);
  });

  it('gives up after readRetries and throws the last error', async () => {
    endpoint = new MockScimEndpoint();
    for (let i = 0; i < 3; i += 1) endpoint.on('GET', '/Groups/g1', { status: 500, body: awsError(500, 'boom') });

    const err = await endpoint
      .client({ readRetries: 2 })
      .getGroup('g1')
      .catch((e: unknown) => e);

    expect(err).toMatchObject({ status: 500 });
    expect(endpoint.requests).toHaveLength(3);
  });

  it('does not retry a GET that failed with a deterministic 4xx', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('GET', '/Users', { status: 400, body: awsError(400, 'bad filter') });

    await expect(collect(endpoint.client().listUsers('x eq "y"'))).rejects.toMatchObject({ status: 400 });
    expect(endpoint.requests).toHaveLength(1);
  });

  it('reports a read that keeps failing below HTTP as not committed', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.failWith('GET', '/Users/u1', Object.assign(new Error('reset'), { code: 'ECONNRESET' }));

    const err = await endpoint
      .client({ readRetries: 0 })
      .getUser('u1')
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ScimTransportError);
    expect(err).toMatchObject({ maybeCommitted: false });
  });
});

describe('ScimClient writes under throttling', () => {
  it('does not retry a throttled POST but pauses the limiter (default pause without Retry-After)', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('POST', '/Users', { status: 429, body: awsError(429, 'Too many requests') });
    const limiter = spyLimiter();

    const err = await endpoint
      .client({ limiter })
      .createUser(desired)
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ScimError);
    expect((err as ScimError).isThrottle).toBe(true);
    expect(endpoint.requests).toHaveLength(1);
    expect(limiter.pauses).toEqual([1000]);
  });

  it('passes Retry-After of a throttled PATCH to the limiter and the error', async () => {
    endpoint = new MockScimEndpoint();
    endpoint.on('PATCH', '/Groups/g1', { status: 429, headers: { 'retry-after': '7' } });
    const limiter = spyLimiter();

    const err = await endpoint
      .client({ limiter })
      .patchGroup('g1', [{ op: 'replace', value: { id: 'g1', displayName: 'x' } }])
      .catch((e: unknown) => e);

    expect(err).toMatchObject({ status: 429, retryAfterMs: 7000 });
    expect(limiter.pauses).toEqual([7000]);
  });
});
