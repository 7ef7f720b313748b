import type { RunningEmulator } from './types.js';

/**
 * HTTP helpers for the emulator's own tests: real requests over `fetch`, with the headers every client of
 * the endpoint sends (Authorization, User-Agent, Content-Type; DG/createuser).
 */
export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export type Client = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Reply>;

export function clientFor(emulator: RunningEmulator, token = emulator.token): Client {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${emulator.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/scim+json',
        'user-agent': 'icsync-emulator-test',
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
}

export function filterQuery(filter: string): string {
  return `filter=${encodeURIComponent(filter)}`;
}

/** A valid CreateUser body; `overrides` replaces top-level keys (undefined deletes one). */
export function userBody(n: number | string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {
    externalId: `test/${n}`,
    userName: `user${n}@example.com`,
    name: { givenName: 'Given', familyName: `Family${n}` },
    displayName: `User ${n}`,
    emails: [{ value: `user${n}@example.com`, type: 'work', primary: true }],
    active: true,
    ...overrides,
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete body[key];
  }
  return body;
}

export function patchOp(...operations: unknown[]): Record<string, unknown> {
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations };
}

/** The AWS error body: `schema` and `schemas`, string `status`, `detail`, `exceptionRequestId`, `timeStamp`. */
export function isAwsErrorBody(body: any, status: number): boolean {
  const urn = 'urn:ietf:params:scim:api:messages:2.0:Error';
  return (
    body?.schema?.[0] === urn &&
    body?.schemas?.[0] === urn &&
    body.status === String(status) &&
    typeof body.detail === 'string' &&
    /^[0-9a-f-]{36}$/.test(body.exceptionRequestId) &&
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/.test(body.timeStamp)
  );
}
