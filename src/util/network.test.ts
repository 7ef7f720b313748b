import { describe, expect, it } from 'vitest';
import { networkProblem } from './network.js';

const errno = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${code} happened`), { code, ...extra });

describe('networkProblem', () => {
  it('names DNS, refused, TLS and timeout failures with what to check, and the host', () => {
    expect(networkProblem(errno('ENOTFOUND', { hostname: 'scim.example' }))).toMatchObject({
      what: 'DNS lookup failed',
      host: 'scim.example',
    });
    const wrapped = Object.assign(new Error('other side closed'), {
      code: 'UND_ERR_SOCKET',
      cause: errno('ECONNREFUSED', { address: '127.0.0.1', port: 1 }),
    });
    expect(networkProblem(wrapped)).toMatchObject({ code: 'ECONNREFUSED', host: '127.0.0.1:1' });
    expect(networkProblem(errno('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))?.check).toContain('CA bundle');
    expect(networkProblem(new AggregateError([errno('ETIMEDOUT')]))?.what).toBe('connection timed out');
  });

  it('leaves other errors alone', () => {
    expect(networkProblem(new Error('boom'))).toBeUndefined();
    expect(networkProblem(errno('ENOENT'))).toBeUndefined();
  });
});
