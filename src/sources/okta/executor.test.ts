import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../log/logger.js';
import { OktaFake, oktaError } from '../../../test/helpers/oktaFake.js';
import { OktaRequestExecutor, rateLimitWaitMs } from './executor.js';

const epoch = (iso: string): number => Date.parse(iso) / 1000;

describe('rateLimitWaitMs', () => {
  it('is X-Rate-Limit-Reset − Date + 1 s, by the server clock', () => {
    const headers = new Headers({
      'x-rate-limit-reset': String(epoch('2026-03-01T12:00:05Z')),
      date: 'Sun, 01 Mar 2026 12:00:00 GMT',
    });
    expect(rateLimitWaitMs(headers, Date.parse('2030-01-01T00:00:00Z'))).toBe(6000);
  });

  it('falls back to the local clock without a Date header, and waits at least 1 s', () => {
    const reset = epoch('2026-03-01T12:00:05Z');
    expect(
      rateLimitWaitMs(new Headers({ 'x-rate-limit-reset': String(reset) }), Date.parse('2026-03-01T12:00:03Z')),
    ).toBe(3000);
    expect(
      rateLimitWaitMs(new Headers({ 'x-rate-limit-reset': String(reset), date: 'Sun, 01 Mar 2026 12:01:00 GMT' })),
    ).toBe(1000);
  });

  it('gives no wait for an absent, malformed or repeated reset (the SDK does not retry those either)', () => {
    expect(rateLimitWaitMs(new Headers())).toBeUndefined();
    expect(rateLimitWaitMs(new Headers({ 'x-rate-limit-reset': 'soon' }))).toBeUndefined();
    expect(rateLimitWaitMs(new Headers({ 'x-rate-limit-reset': '1772366405, 1772366406' }))).toBeUndefined();
  });
});

describe('OktaRequestExecutor', () => {
  let fake: OktaFake;
  const options = { maxConcurrency: 2, requestTimeoutMs: 5000, maxRetries: 2, maxWaitMs: 5000, logger: silentLogger() };

  beforeAll(async () => {
    fake = await OktaFake.start({ apiToken: 'ssws-test' });
  });

  afterAll(async () => {
    await fake.close();
  });

  const get = (executor: OktaRequestExecutor, path: string) =>
    executor.fetch({
      url: `${fake.baseUrl}${path}`,
      method: 'GET',
      headers: { Authorization: 'SSWS ssws-test', Accept: 'application/json' },
    });

  it('refuses to send anything to another origin', async () => {
    const executor = new OktaRequestExecutor({ ...options, origin: fake.baseUrl });
    await expect(executor.fetch({ url: 'https://attacker.example/api/v1/users', method: 'GET' })).rejects.toThrow(
      /refusing a request to https:\/\/attacker\.example/,
    );
    await expect(
      executor.fetch({ url: `${fake.baseUrl.replace('https', 'http')}/api/v1/users`, method: 'GET' }),
    ).rejects.toThrow(/refusing/);
    expect(fake.requests).toHaveLength(0);
  });

  it('holds every later request until the reset once X-Rate-Limit-Remaining reaches 0', async () => {
    const executor = new OktaRequestExecutor({ ...options, origin: fake.baseUrl });
    const serverNow = new Date();
    fake.fault(
      (r) => r.path === '/api/v1/groups',
      (res) => {
        res.setHeader('Date', serverNow.toUTCString());
        res.setHeader('X-Rate-Limit-Remaining', '0');
        res.setHeader('X-Rate-Limit-Reset', String(Math.floor(serverNow.getTime() / 1000)));
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
      },
    );
    expect((await get(executor, '/api/v1/groups')).status).toBe(200);
    const started = Date.now();
    expect((await get(executor, '/api/v1/users')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('keeps at most maxConcurrency requests in flight', async () => {
    const executor = new OktaRequestExecutor({ ...options, origin: fake.baseUrl });
    let inFlight = 0;
    let peak = 0;
    // Each request is held until a second one has arrived, so two always overlap however slowly
    // they reach the server; a third arriving meanwhile would show as a peak above 2.
    let held: (() => void)[] = [];
    fake.fault(
      (r) => r.path === '/api/v1/groups/00gBusy',
      (res) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        held.push(() => {
          inFlight -= 1;
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
        });
        if (held.length < 2) return;
        const pair = held;
        held = [];
        setTimeout(() => pair.forEach((answer) => answer()), 30);
      },
      6,
    );
    const responses = await Promise.all(Array.from({ length: 6 }, () => get(executor, '/api/v1/groups/00gBusy')));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(peak).toBe(2);
  });

  it('hands back a 429 it cannot retry, for the SDK to turn into an error', async () => {
    const executor = new OktaRequestExecutor({ ...options, origin: fake.baseUrl });
    fake.fault(
      (r) => r.path === '/api/v1/users/00u1',
      (res) => {
        res.removeHeader('X-Rate-Limit-Reset');
        res
          .writeHead(429, { 'Content-Type': 'application/json' })
          .end(JSON.stringify(oktaError('E0000047', 'rate limited')));
      },
    );
    expect((await get(executor, '/api/v1/users/00u1')).status).toBe(429);
    expect(fake.requests.filter((r) => r.path === '/api/v1/users/00u1')).toHaveLength(1);
  });

  it('close() aborts a request in flight, and every later request fails at once', async () => {
    const executor = new OktaRequestExecutor({ ...options, origin: fake.baseUrl });
    fake.fault(
      (r) => r.path === '/api/v1/groups/00gHang',
      () => undefined,
    );
    const hanging = get(executor, '/api/v1/groups/00gHang');
    setTimeout(() => executor.close(), 50);
    await expect(hanging).rejects.toThrow('Okta source closed');
    await expect(get(executor, '/api/v1/groups')).rejects.toThrow('Okta source closed');
  });

  it('times out a request that gets no answer', async () => {
    const executor = new OktaRequestExecutor({ ...options, origin: fake.baseUrl, requestTimeoutMs: 200 });
    fake.fault(
      (r) => r.path === '/api/v1/groups/00gSlow',
      () => undefined,
    );
    await expect(get(executor, '/api/v1/groups/00gSlow')).rejects.toThrow(
      'GET /api/v1/groups/00gSlow timed out after 200 ms',
    );
  });
});
