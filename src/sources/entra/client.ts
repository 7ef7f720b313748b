import type { TokenCredential } from '@azure/identity';
import { Client, type GraphRequest } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { GraphRequestError, isNotFound, toGraphRequestError } from './graph-error.js';
import { graphMiddlewareChain, type RetryEvent, type RetryPolicy } from './middleware.js';
import type { GraphPage } from './wire.js';

export interface GraphClientOptions {
  credential: TokenCredential;
  /** `https://<host>/v1.0`; see config.ts for the sovereign clouds. */
  graphBaseUrl: string;
  scopes: string[];
  pageSize: number;
  requestTimeoutMs: number;
  retry: RetryPolicy;
  onRetry: (event: RetryEvent) => void;
}

export interface GraphQuery {
  select?: readonly string[];
  /** `$expand`, e.g. `manager($select=id)`; Graph encodes it into the nextLinks with the rest of the query. */
  expand?: string;
  /** Ask for `$top=<pageSize>`; delta functions and single-object reads take no `$top`. */
  paged?: boolean;
}

/**
 * Microsoft Graph through the official SDK: auth, retries and paging live here, callers iterate
 * pages. Every failure leaves as a GraphRequestError that carries no headers or bodies.
 */
export class EntraGraph {
  private constructor(
    private readonly client: Client,
    private readonly pageSize: number,
  ) {}

  /**
   * The SDK attaches the bearer token only to https URLs whose host is a Graph host or listed in `customHosts`
   * (https://github.com/microsoftgraph/msgraph-sdk-javascript), so the configured host is always listed: sovereign
   * and private endpoints then authenticate the same way as graph.microsoft.com.
   */
  static create(options: GraphClientOptions): EntraGraph {
    const base = new URL(options.graphBaseUrl);
    const authProvider = new TokenCredentialAuthenticationProvider(options.credential, { scopes: options.scopes });
    const client = Client.initWithMiddleware({
      middleware: graphMiddlewareChain({
        authProvider,
        retry: options.retry,
        requestTimeoutMs: options.requestTimeoutMs,
        onRetry: options.onRetry,
      }),
      baseUrl: base.origin,
      defaultVersion: base.pathname.replace(/^\/|\/$/g, ''),
      customHosts: new Set([base.hostname]),
    });
    return new EntraGraph(client, options.pageSize);
  }

  /**
   * Every page of a collection, first to last. Each `@odata.nextLink` is followed verbatim (never
   * rebuilt: it encodes the query and the skip token, https://learn.microsoft.com/graph/paging). A page that
   * is not a collection (an HTML error page, a proxy's answer) fails the read rather than reading as empty.
   * `start` is a path relative to the base URL or an absolute delta link.
   */
  async *pages<T>(start: string, query: GraphQuery, signal: AbortSignal): AsyncGenerator<GraphPage<T>> {
    const operation = `GET ${pathOf(start)}`;
    let request = this.request(start, query, signal);
    for (let page = 1; ; page += 1) {
      const body = await this.send(request, `${operation} (page ${page})`);
      const parsed = parsePage<T>(body, `${operation} (page ${page})`);
      yield parsed;
      if (parsed.nextLink === undefined) return;
      signal.throwIfAborted();
      request = this.client.api(parsed.nextLink).option('signal', signal);
    }
  }

  /** Every item of a collection; resolves only after the last page. */
  async list<T>(path: string, query: GraphQuery, signal: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    for await (const page of this.pages<T>(path, { ...query, paged: true }, signal)) items.push(...page.value);
    return items;
  }

  /** One object, or null when Graph answers 404 (deleted, or never existed). */
  async get<T>(path: string, query: GraphQuery, signal: AbortSignal): Promise<T | null> {
    try {
      const body = await this.send(this.request(path, query, signal), `GET ${pathOf(path)}`);
      if (typeof body !== 'object' || body === null || typeof (body as { id?: unknown }).id !== 'string') {
        throw new GraphRequestError(`GET ${pathOf(path)}: the response is not a directory object`);
      }
      return body as T;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** The first page of a collection, at most one item: a token and permission check that reads almost nothing. */
  async sample(path: string, signal: AbortSignal): Promise<number> {
    const request = this.request(path, { select: ['id'] }, signal).top(1);
    return parsePage<unknown>(await this.send(request, `GET ${pathOf(path)}`), `GET ${pathOf(path)}`).value.length;
  }

  private request(start: string, query: GraphQuery, signal: AbortSignal): GraphRequest {
    const request = this.client.api(start).option('signal', signal);
    if (query.select !== undefined) request.select([...query.select]);
    if (query.expand !== undefined) request.expand(query.expand);
    if (query.paged === true) request.top(this.pageSize);
    return request;
  }

  private async send(request: GraphRequest, operation: string): Promise<unknown> {
    try {
      return (await request.get()) as unknown;
    } catch (err) {
      throw toGraphRequestError(err, operation);
    }
  }
}

function parsePage<T>(body: unknown, operation: string): GraphPage<T> {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!Array.isArray(record.value))
    throw new GraphRequestError(`${operation}: the response is not a collection page (no "value" array)`);
  const page: GraphPage<T> = { value: record.value as T[] };
  const nextLink = link(record['@odata.nextLink'], operation, '@odata.nextLink');
  const deltaLink = link(record['@odata.deltaLink'], operation, '@odata.deltaLink');
  if (nextLink !== undefined) page.nextLink = nextLink;
  if (deltaLink !== undefined) page.deltaLink = deltaLink;
  return page;
}

/**
 * Graph's links are absolute https URLs; the SDK would mangle anything else into a path (src/GraphRequestUtil.ts
 * in https://github.com/microsoftgraph/msgraph-sdk-javascript).
 */
function link(value: unknown, operation: string, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !value.startsWith('https://'))
    throw new GraphRequestError(`${operation}: ${name} is not an absolute https URL`);
  return value;
}

/** The path of a request for messages: no host and no query (a query may hold tokens or names). */
function pathOf(start: string): string {
  const path = start.startsWith('https://') ? new URL(start).pathname : `/${start.replace(/^\//, '')}`;
  return path.split('?')[0] ?? path;
}
