/**
 * A scripted IAM Identity Center SCIM endpoint on undici's MockAgent, so the client tests run the real
 * client at its HTTP boundary. Each reply records the raw request exactly as the client sent it;
 * MockAgent's own matching sorts and normalises the query, so assertions use the record.
 */
import { MockAgent, type Dispatcher } from 'undici';
import { ScimClient, type ScimClientOptions } from './client.js';
import { SCHEMA_LIST_RESPONSE, type ScimUserResource } from './wire.js';

export const ORIGIN = 'https://scim.us-east-2.amazonaws.com';
export const BASE_PATH = '/1111111111-2222-3333-4444-555555555555/scim/v2';
export const BASE_URL = ORIGIN + BASE_PATH;
export const TOKEN = 'AQoDYXdzEJr-secret-token-value-0123456789';

export interface RecordedRequest {
  method: string;
  /** Path and raw query string as sent. */
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class MockScimEndpoint {
  readonly agent = new MockAgent();
  readonly requests: RecordedRequest[] = [];
  #counter = 0;

  constructor() {
    this.agent.disableNetConnect();
  }

  get dispatcher(): Dispatcher {
    return this.agent;
  }

  /** Answers the next request to `method` + resource path (any query) with `reply`. */
  on(method: string, resourcePath: string, reply: Reply): void {
    this.agent
      .get(ORIGIN)
      .intercept({ method, path: (p) => p.split('?')[0] === BASE_PATH + resourcePath })
      .reply((opts) => {
        this.#record(opts);
        const headers = {
          'content-type': 'application/json',
          'x-amzn-requestid': `req-${++this.#counter}`,
          ...reply.headers,
        };
        const data =
          typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
        return { statusCode: reply.status, data, responseOptions: { headers } };
      });
  }

  /** Fails the next request to `method` + resource path below HTTP, as a dropped connection would. */
  failWith(method: string, resourcePath: string, error: Error): void {
    this.agent
      .get(ORIGIN)
      .intercept({ method, path: (p) => p.split('?')[0] === BASE_PATH + resourcePath })
      .replyWithError(error);
  }

  client(options: Partial<ScimClientOptions> = {}): ScimClient {
    return new ScimClient({ baseUrl: BASE_URL, token: TOKEN, dispatcher: this.agent, retryBaseDelayMs: 1, ...options });
  }

  /** The query of recorded request `i`, without the resource path. */
  query(i: number): string {
    return this.requests[i]?.path.split('?')[1] ?? '';
  }

  async close(): Promise<void> {
    this.agent.assertNoPendingInterceptors();
    await this.agent.close();
  }

  #record(opts: { path: string; method: string; headers?: unknown; body?: unknown }): void {
    this.requests.push({
      method: opts.method,
      path: opts.path,
      headers: normaliseHeaders(opts.headers),
      body: typeof opts.body === 'string' ? opts.body : undefined,
    });
  }
}

function normaliseHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === null || typeof headers !== 'object') return out;
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) out[k.toLowerCase()] = String(v);
  return out;
}

export function awsError(status: number, detail: string): Record<string, unknown> {
  const schema = ['urn:ietf:params:scim:api:messages:2.0:Error'];
  return {
    schema,
    schemas: schema,
    detail,
    status: String(status),
    exceptionRequestId: 'body-req-id',
    timeStamp: '2024-05-01 10:00:00.000',
  };
}

export function userResource(id: string, overrides: Partial<ScimUserResource> = {}): ScimUserResource {
  return {
    id,
    externalId: `ldap/${id}`,
    userName: `${id}@example.com`,
    name: { givenName: 'Given', familyName: 'Family' },
    displayName: `User ${id}`,
    active: true,
    emails: [{ value: `${id}@example.com`, type: 'work', primary: true }],
    ...overrides,
  };
}

export function cursorPage(resources: unknown[], nextCursor?: string): Record<string, unknown> {
  const page: Record<string, unknown> = {
    schemas: [SCHEMA_LIST_RESPONSE],
    itemsPerPage: resources.length,
    Resources: resources,
  };
  if (nextCursor !== undefined) page.nextCursor = nextCursor;
  return page;
}

export function legacyPage(resources: unknown[], totalResults: number): Record<string, unknown> {
  return {
    schemas: [SCHEMA_LIST_RESPONSE],
    totalResults,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: resources,
  };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
