import { describe, expect, it } from 'vitest';
import { parseScimErrorBody, ScimError, scimErrorFromResponse, ScimTransportError } from './errors.js';

const SECRET = 'token-0123456789abcdef';

describe('parseScimErrorBody', () => {
  it('reads the current AWS body (schema and schemas, string status)', () => {
    const body = {
      schema: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      detail: 'Refused to create a new, duplicate resource.',
      status: '409',
      exceptionRequestId: 'e-1',
      timeStamp: '2022-02-14 17:37:21.224',
    };
    expect(parseScimErrorBody(JSON.stringify(body))).toEqual({
      status: 409,
      detail: 'Refused to create a new, duplicate resource.',
      exceptionRequestId: 'e-1',
    });
  });

  it('reads the older schema-only body', () => {
    expect(parseScimErrorBody('{"schema":["x"],"status":"400","detail":"d"}')).toEqual({ status: 400, detail: 'd' });
  });

  it('reads the RFC 7644 §3.12 body with a numeric status and scimType', () => {
    expect(parseScimErrorBody('{"schemas":["x"],"status":400,"scimType":"invalidFilter","detail":"d"}')).toEqual({
      status: 400,
      scimType: 'invalidFilter',
      detail: 'd',
    });
  });

  it('tolerates HTML, arrays, empty bodies and wrongly typed fields', () => {
    expect(parseScimErrorBody('<html>502 Bad Gateway</html>')).toEqual({});
    expect(parseScimErrorBody('[]')).toEqual({});
    expect(parseScimErrorBody('')).toEqual({});
    expect(parseScimErrorBody('{"status":"abc","detail":5}')).toEqual({});
  });
});

describe('ScimError', () => {
  it('uses the HTTP status, not the body status, and the header request id first', () => {
    const err = scimErrorFromResponse({
      method: 'GET',
      path: '/Users',
      status: 503,
      headers: { 'x-amzn-requestid': 'hdr-1', 'retry-after': '4' },
      bodyText: '{"status":"500","exceptionRequestId":"body-1"}',
      secrets: [SECRET],
    });
    expect(err).toMatchObject({ status: 503, requestId: 'hdr-1', retryAfterMs: 4000, isServer: true, retryable: true });
  });

  it('classifies statuses and codes', () => {
    const make = (status: number) => new ScimError({ method: 'POST', path: '/Users', status });
    expect(make(401).code).toBe('CREDENTIALS_INVALID');
    expect(make(403).isAuth).toBe(true);
    expect(make(400)).toMatchObject({ code: 'SCIM_ERROR', isValidation: true, retryable: false });
    expect(make(409)).toMatchObject({ isConflict: true, retryable: false });
    expect(make(429)).toMatchObject({ isThrottle: true, retryable: true });
    expect(make(404).isNotFound).toBe(true);
  });

  it('scrubs secrets from detail and scimType', () => {
    const err = scimErrorFromResponse({
      method: 'PATCH',
      path: '/Users/u1',
      status: 400,
      headers: {},
      bodyText: JSON.stringify({ status: '400', detail: `bad ${SECRET}`, scimType: SECRET }),
      secrets: [SECRET],
    });
    expect(JSON.stringify(err)).not.toContain(SECRET);
    expect(String(err)).not.toContain(SECRET);
  });
});

describe('ScimTransportError', () => {
  it('treats reads as never committed and unknown write failures as maybe committed', () => {
    expect(new ScimTransportError('GET', '/Users', new Error('x'), []).maybeCommitted).toBe(false);
    expect(new ScimTransportError('POST', '/Users', new Error('x'), []).maybeCommitted).toBe(true);
  });

  it('treats DNS failures and connect timeouts as not sent', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    const timeout = Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' });
    expect(new ScimTransportError('PATCH', '/Groups/g', dns, []).maybeCommitted).toBe(false);
    expect(new ScimTransportError('PATCH', '/Groups/g', timeout, []).maybeCommitted).toBe(false);
  });

  it('treats a headers timeout on a write as maybe committed', () => {
    const err = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(new ScimTransportError('POST', '/Users', err, [])).toMatchObject({
      maybeCommitted: true,
      causeCode: 'UND_ERR_HEADERS_TIMEOUT',
    });
  });

  it('finds the code inside an AggregateError from a multi-address connect', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:443'), { code: 'ECONNREFUSED' });
    const err = new ScimTransportError('POST', '/Users', new AggregateError([refused]), []);
    expect(err).toMatchObject({ causeCode: 'ECONNREFUSED', maybeCommitted: false });
  });
});
