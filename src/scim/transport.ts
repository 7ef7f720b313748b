/**
 * One HTTP exchange with the SCIM endpoint: URL joining, headers, the shared limiter, retries of
 * reads, error mapping and request logging. Resource semantics live in ./client.ts.
 */
import { Agent, type Dispatcher } from 'undici';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import {
  headerValue,
  isTenantMissingBody,
  ScimError,
  scimErrorFromResponse,
  ScimProtocolError,
  ScimTransportError,
  type HttpMethod,
} from './errors.js';
import { pauseOnlyLimiter, type RequestLimiter } from './limiter.js';
import { backoffDelay, sleep } from './backoff.js';
import { ThrottlePolicy } from './throttle.js';
import { defaultUserAgent } from './user-agent.js';

export interface TransportOptions {
  baseUrl: string;
  token: string;
  dispatcher?: Dispatcher;
  userAgent?: string;
  limiter?: RequestLimiter;
  /** The run's one 429 policy, shared with the writers; by default one over `limiter` with a 1 h bound. */
  throttle?: ThrottlePolicy;
  requestTimeoutMs?: number;
  readRetries?: number;
  /** First backoff step for read retries; doubles per attempt (undici RetryHandler: 500 ms, factor 2). */
  retryBaseDelayMs?: number;
  /** Cap on one backoff wait, Retry-After included (undici RetryHandler `maxTimeout`). */
  retryMaxDelayMs?: number;
  logger?: Logger;
  /** Aborts waiting for the limiter, requests in flight and backoff sleeps (daemon shutdown). */
  signal?: AbortSignal;
}

export interface SendOptions {
  query?: string;
  body?: unknown;
  /** Non-2xx statuses the caller handles itself (404 on a lookup), returned instead of thrown. */
  accept?: readonly number[];
}

export interface ScimResponse {
  status: number;
  /** Parsed body of a 2xx response; `undefined` when it had none. */
  json: unknown;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_READ_RETRIES = 5;
export const DEFAULT_RETRY_BASE_DELAY_MS = 500;
export const DEFAULT_RETRY_MAX_DELAY_MS = 30_000;
/** How long a 429 without `Retry-After` pauses every request (whether AWS sends the header is undocumented). */
export const DEFAULT_THROTTLE_PAUSE_MS = 1_000;
/** The default bound on a run's total throttled time, as `sync.maxThrottleWaitMs` defaults to. */
export const DEFAULT_MAX_THROTTLE_WAIT_MS = 3_600_000;

const SCIM_CONTENT_TYPE = 'application/scim+json';

export class ScimTransport {
  readonly #origin: string;
  readonly #basePath: string;
  readonly #token: string;
  readonly #headers: Record<string, string>;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #limiter: RequestLimiter;
  readonly #throttle: ThrottlePolicy;
  readonly #timeoutMs: number;
  readonly #readRetries: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #logger: Logger | undefined;
  readonly #signal: AbortSignal | undefined;

  constructor(options: TransportOptions) {
    const { origin, basePath } = parseBaseUrl(options.baseUrl);
    if (options.token.trim() === '' || /\s/.test(options.token))
      throw new ConfigError('SCIM token is empty or contains whitespace');
    this.#origin = origin;
    this.#basePath = basePath;
    this.#token = options.token;
    this.#headers = {
      authorization: `Bearer ${options.token}`,
      'user-agent': options.userAgent ?? defaultUserAgent(),
      accept: 'application/json',
    };
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#ownsDispatcher = options.dispatcher === undefined;
    // undici never follows redirects unless a redirect interceptor is composed in, so the bearer
    // token cannot be forwarded to another host; a 3xx surfaces as a ScimError.
    this.#dispatcher =
      options.dispatcher ??
      new Agent({ keepAliveTimeout: 10_000, headersTimeout: this.#timeoutMs, bodyTimeout: this.#timeoutMs });
    this.#limiter = options.limiter ?? pauseOnlyLimiter();
    this.#readRetries = options.readRetries ?? DEFAULT_READ_RETRIES;
    this.#baseDelayMs = options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
    this.#maxDelayMs = options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS;
    this.#logger = options.logger;
    this.#signal = options.signal;
    this.#throttle =
      options.throttle ??
      new ThrottlePolicy(this.#limiter, {
        maxWaitMs: DEFAULT_MAX_THROTTLE_WAIT_MS,
        baseMs: this.#baseDelayMs,
        capMs: this.#maxDelayMs,
      });
  }

  /** Closes the connection pool if this transport created it; an injected dispatcher is the caller's. */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /**
   * GETs are sent again after a 429 (under the shared throttle policy, spending no attempt) and
   * retried a bounded number of times on 5xx and network errors. Writes never are: POST and PATCH
   * are not idempotent, and the executor retries only after re-reading the target.
   */
  async send(method: HttpMethod, path: string, options: SendOptions = {}): Promise<ScimResponse> {
    if (method !== 'GET') return this.#once(method, path, options);
    let throttles = 0;
    for (let attempt = 0; ;) {
      try {
        return await this.#once(method, path, options);
      } catch (err) {
        if (this.#signal?.aborted) throw err;
        if (err instanceof ScimError && err.isThrottle) {
          throttles += 1;
          const waitMs = this.#throttle.pauseFor(err.retryAfterMs, throttles);
          this.#logger?.info({ method, path, throttles, waitMs }, 'SCIM read throttled (429); every request paused');
          await sleep(waitMs, this.#signal);
          continue;
        }
        if (attempt >= this.#readRetries || !isRetryable(err)) throw err;
        attempt += 1;
        const delayMs = this.#retryDelay(attempt - 1);
        this.#logger?.info({ method, path, attempt, delayMs }, 'retrying SCIM read');
        await sleep(delayMs, this.#signal);
      }
    }
  }

  async #once(method: HttpMethod, path: string, options: SendOptions): Promise<ScimResponse> {
    await this.#limiter.acquire(this.#signal);
    const started = performance.now();
    const { statusCode: status, headers, bodyText } = await this.#exchange(method, path, options);
    const requestId = headerValue(headers, 'x-amzn-requestid');
    const ms = Math.round(performance.now() - started);
    this.#logger?.debug({ method, path, status, requestId, ms }, 'SCIM request');
    const ok = status >= 200 && status < 300;
    const accepted = options.accept?.includes(status) && !isTenantMissingBody(status, bodyText);
    if (ok || accepted) return { status, json: ok ? parseJsonBody(bodyText, method, path) : undefined };
    const error = scimErrorFromResponse({ method, path, status, headers, bodyText, secrets: [this.#token] });
    // A throttled read pauses through the throttle policy in send(); a write pauses here at once, and
    // its caller (executor or queue worker) applies the policy before sending it again.
    if (error.isThrottle && method !== 'GET') this.#limiter.pause(error.retryAfterMs ?? DEFAULT_THROTTLE_PAUSE_MS);
    this.#logger?.warn(
      { method, path, status, requestId: error.requestId, scimType: error.scimType },
      'SCIM request failed',
    );
    throw error;
  }

  async #exchange(method: HttpMethod, path: string, options: SendOptions) {
    const started = performance.now();
    try {
      const response = await this.#dispatcher.request({
        origin: this.#origin,
        path: this.#basePath + path + (options.query === undefined ? '' : `?${options.query}`),
        method,
        headers: options.body === undefined ? this.#headers : { ...this.#headers, 'content-type': SCIM_CONTENT_TYPE },
        body: options.body === undefined ? null : JSON.stringify(options.body),
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
        signal: this.#signal ?? null,
      });
      const bodyText = await response.body.text();
      return { statusCode: response.statusCode, headers: response.headers, bodyText };
    } catch (cause) {
      const error = new ScimTransportError(method, path, cause, [this.#token], new URL(this.#origin).host);
      const ms = Math.round(performance.now() - started);
      this.#logger?.warn(
        { method, path, code: error.causeCode, maybeCommitted: error.maybeCommitted, ms },
        'SCIM request got no response',
      );
      throw error;
    }
  }

  /** Exponential backoff with full jitter for a 5xx or a lost response. */
  #retryDelay(attempt: number): number {
    return backoffDelay(attempt + 1, this.#baseDelayMs, this.#maxDelayMs);
  }
}

/**
 * The console shows the base URL without a trailing slash
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/how-to-with-scim.html), but a pasted one with a slash,
 * or one missing between base and resource (`…/scim/v2Groups` and a 404 in
 * https://github.com/mitodl/keycloak-scim/issues/73), is a common misconfiguration: strip trailing slashes here and
 * join every resource path with exactly one `/`.
 */
export function parseBaseUrl(baseUrl: string): { origin: string; basePath: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError(`SCIM base URL "${baseUrl}" is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(`SCIM base URL must be http(s), got ${url.protocol}`);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError('SCIM base URL must not carry a query, a fragment or credentials');
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}

function isRetryable(err: unknown): boolean {
  return (err instanceof ScimError && err.retryable) || err instanceof ScimTransportError;
}

function parseJsonBody(text: string, method: HttpMethod, path: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ScimProtocolError('malformed-response', method, path, 'the success response is not JSON');
  }
}
