import { createCredential, graphScope } from '../sources/entra/credential.js';
import type { EntraSourceConfig } from '../sources/entra/config.js';
import {
  GraphSubscriptionError,
  type GraphSubscription,
  type GraphSubscriptionPort,
  type NewGraphSubscription,
} from './graph-subscriptions.js';

export interface GraphHttpOptions {
  /** `https://<graph host>/v1.0`, as in the Entra source config. */
  graphBaseUrl: string;
  /** A bearer token for the Graph resource (the app's client credentials). */
  getToken: () => Promise<string>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Subscription ids are GUIDs; anything else must not become part of a URL path. */
const SUBSCRIPTION_ID = /^[A-Za-z0-9-]{1,64}$/;
const MAX_PAGES = 100;

/**
 * The subscription calls over plain fetch (undici). Redirects are refused so the bearer token never
 * reaches another host, and `@odata.nextLink` is followed only on the configured Graph origin.
 * Errors carry the status and Graph's error code and message, never headers or the request body
 * (which holds the clientState).
 */
export function createGraphSubscriptionPort(options: GraphHttpOptions): GraphSubscriptionPort {
  const base = options.graphBaseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function call(method: string, url: string, operation: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${await options.getToken()}`,
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers,
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new GraphSubscriptionError(
        `${operation}: ${(err as Error).name === 'TimeoutError' ? 'timed out' : 'request failed'}`,
      );
    }
    const text = await response.text();
    if (!response.ok)
      throw new GraphSubscriptionError(`${operation}: HTTP ${response.status}${graphErrorText(text)}`, response.status);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }

  const path = (id: string): string => {
    if (!SUBSCRIPTION_ID.test(id)) throw new GraphSubscriptionError(`subscription id is not an id`);
    return `${base}/subscriptions/${id}`;
  };

  return {
    async list() {
      const all: GraphSubscription[] = [];
      let url: string | undefined = `${base}/subscriptions`;
      for (let page = 0; url !== undefined && page < MAX_PAGES; page += 1) {
        const body = (await call('GET', url, 'GET /subscriptions')) as
          { value?: unknown; '@odata.nextLink'?: unknown } | undefined;
        if (!Array.isArray(body?.value))
          throw new GraphSubscriptionError('GET /subscriptions: the response is not a collection');
        all.push(...(body.value as GraphSubscription[]));
        const next = body['@odata.nextLink'];
        url = typeof next === 'string' && new URL(next).origin === origin ? next : undefined;
      }
      return all;
    },
    async create(subscription: NewGraphSubscription) {
      return (await call(
        'POST',
        `${base}/subscriptions`,
        `POST /subscriptions (${subscription.resource})`,
        subscription,
      )) as GraphSubscription;
    },
    async renew(id, expirationDateTime) {
      return (await call('PATCH', path(id), 'PATCH /subscriptions/{id}', { expirationDateTime })) as GraphSubscription;
    },
    async delete(id) {
      await call('DELETE', path(id), 'DELETE /subscriptions/{id}');
    },
  };
}

/** `: <code>: <message>` from a Graph error body, shortened; Graph's messages name the cause (e.g. a failed validation). */
function graphErrorText(text: string): string {
  try {
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    const parts = [error?.code, error?.message].filter((p): p is string => typeof p === 'string');
    return parts.length === 0
      ? ''
      : `: ${parts
          .join(': ')
          .replace(/[\r\n]+/g, ' ')
          .slice(0, 300)}`;
  } catch {
    return '';
  }
}

/** The port for an Entra source's app registration: its credential, its Graph endpoint. */
export async function graphPortForEntraSource(
  source: EntraSourceConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GraphSubscriptionPort> {
  const credential = await createCredential(source, env);
  const scope = graphScope(source.graphBaseUrl);
  return createGraphSubscriptionPort({
    graphBaseUrl: source.graphBaseUrl,
    timeoutMs: source.requestTimeoutMs,
    getToken: async () => {
      const token = await credential.getToken(scope);
      if (token === null) throw new GraphSubscriptionError('no access token for Microsoft Graph');
      return token.token;
    },
  });
}
