import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RequestExecutor } from '@okta/okta-sdk-nodejs';
import type { Logger } from '../../log/logger.js';
import { TOKEN_PATH, TokenRequestError } from './errors.js';
import { Semaphore } from './limit.js';

export interface ExecutorOptions {
  /** `https://acme.okta.com`: the only origin requests may go to. */
  origin: string;
  maxConcurrency: number;
  requestTimeoutMs: number;
  /** 429 retries per request; 0 = never. */
  maxRetries: number;
  maxWaitMs: number;
  logger: Logger;
}

/** The request object the SDK hands its executor: node-fetch v2 options plus the URL. */
interface SdkRequest {
  url?: string;
  method?: string;
  agent?: unknown;
  [option: string]: unknown;
}

/** Minimal view of a node-fetch v2 response (the SDK's transport). */
interface FetchResponse {
  status: number;
  ok: boolean;
  headers: HeaderLookup;
  text(): Promise<string>;
}

export interface HeaderLookup {
  get(name: string): string | null;
}

/**
 * The abort signal of the operation (a read, a re-read) a request belongs to. The SDK gives its executor no
 * per-call context, so it travels through the SDK's promise chains in async-local storage.
 */
const operationSignal = new AsyncLocalStorage<AbortSignal>();

export function withSignal<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return operationSignal.run(signal, work);
}

/**
 * Every HTTP request the Okta SDK makes (API calls and the OAuth token request) passes through
 * `OktaRequestExecutor.fetch`. It replaces the SDK's DefaultRequestExecutor so that the retry rules
 * are ours and explicit (https://github.com/okta/okta-sdk-nodejs: its README calls `maxRetries: 0` unlimited,
 * src/default-request-executor.js then never retries):
 *
 * - at most `maxConcurrency` requests in flight;
 * - HTTP 429: wait X-Rate-Limit-Reset − Date + 1 s, from the server's own clock, then retry, at most
 *   `maxRetries` times and never longer than `maxWaitMs` per wait
 *   (https://developer.okta.com/docs/reference/rl-best-practices/); while waiting no other request
 *   starts. A 2xx with X-Rate-Limit-Remaining: 0 pauses the same way, before the 429;
 * - a timeout per request; the operation's AbortSignal cancels requests in flight and waits;
 * - credentials only ever go to the configured org: requests to any other origin are refused and
 *   redirects are not followed. The SDK follows `Link: rel="next"` URLs verbatim
 *   (https://developer.okta.com/docs/reference/core-okta-api/), so a next link to another host would otherwise
 *   receive the bearer token;
 * - a 2xx that is not JSON (a proxy's login page, HTML from a captive portal) is an error, never an empty list.
 */
export class OktaRequestExecutor extends RequestExecutor {
  private readonly slots: Semaphore;
  /** One controller per request in flight, so `close()` can abort them; listeners never outlive a request. */
  private readonly inFlight = new Set<AbortController>();
  private closedReason: Error | undefined;
  private pausedUntil = 0;

  constructor(private readonly options: ExecutorOptions) {
    super();
    this.slots = new Semaphore(options.maxConcurrency);
  }

  override async fetch(request: SdkRequest): Promise<FetchResponse> {
    const path = this.checkedPath(request.url);
    if (this.closedReason !== undefined) throw this.closedReason;
    const controller = new AbortController();
    const operation = operationSignal.getStore();
    const onAbort = (): void => controller.abort(operation?.reason);
    operation?.addEventListener('abort', onAbort, { once: true });
    if (operation?.aborted === true) onAbort();
    this.inFlight.add(controller);
    try {
      return await this.checkedResponse(request, path, controller.signal);
    } finally {
      operation?.removeEventListener('abort', onAbort);
      this.inFlight.delete(controller);
    }
  }

  /** Aborts every request in flight and every wait; every later request fails at once. */
  close(): void {
    this.closedReason = new Error('Okta source closed');
    for (const controller of this.inFlight) controller.abort(this.closedReason);
  }

  private async checkedResponse(request: SdkRequest, path: string, signal: AbortSignal): Promise<FetchResponse> {
    const response = await this.fetchWithRetries(request, path, signal);
    // okta-sdk-nodejs 8.1.0 never checks the token response's status (oauth.js calls `Http.errorFilter` on
    // the module object, where it is undefined): it would cache the error body as the access token and
    // report only the 401s that follow. The token endpoint's own answer is the useful one. The one error
    // the SDK does handle passes: `use_dpop_nonce` with a DPoP-Nonce header (RFC 9449 §8), after which it
    // retries with the nonce and switches to DPoP-bound tokens.
    if (path === TOKEN_PATH && !response.ok && response.headers.get('dpop-nonce') === null)
      throw await TokenRequestError.from(response);
    return response;
  }

  private async fetchWithRetries(request: SdkRequest, path: string, signal: AbortSignal): Promise<FetchResponse> {
    for (let attempt = 0; ; attempt += 1) {
      await this.untilReset(signal);
      const response = await this.slots.run(signal, () => this.send(request, path, signal));
      const waitMs = rateLimitWaitMs(response.headers);
      if (response.status !== 429) {
        if (response.headers.get('x-rate-limit-remaining') === '0' && waitMs !== undefined)
          this.pause(Math.min(waitMs, this.options.maxWaitMs));
        return response;
      }
      if (waitMs === undefined || attempt >= this.options.maxRetries || waitMs > this.options.maxWaitMs)
        return response;
      await response.text();
      this.options.logger.warn(
        { status: 429, path, waitMs, attempt: attempt + 1 },
        'Okta rate limit reached; waiting for the reset before retrying',
      );
      this.pause(waitMs);
    }
  }

  private async send(request: SdkRequest, path: string, signal: AbortSignal): Promise<FetchResponse> {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    // `agent` is dropped: the SDK sets an https-proxy agent from HTTPS_PROXY on its own, and no environment
    // setting may reroute the credentials.
    const { agent: _agent, ...rest } = request;
    const init: SdkRequest = { ...rest, redirect: 'error', timeout: 0, signal: AbortSignal.any([signal, timeout]) };
    let response: FetchResponse;
    try {
      response = (await super.fetch(init)) as FetchResponse;
    } catch (err) {
      // node-fetch reports every abort as "The user aborted a request."; say which one it was.
      if (signal.aborted) throw new Error(`${methodOf(request)} ${path} aborted: ${reasonOf(signal)}`, { cause: err });
      if (timeout.aborted)
        throw new Error(`${methodOf(request)} ${path} timed out after ${this.options.requestTimeoutMs} ms`, {
          cause: err,
        });
      throw err;
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (response.ok && !/[/+]json\b/i.test(contentType)) {
      throw new Error(
        `${methodOf(request)} ${path} answered ${response.status} with "${contentType || 'no content type'}" instead of JSON`,
      );
    }
    return response;
  }

  private checkedPath(url: string | undefined): string {
    const parsed = new URL(url ?? '');
    if (parsed.origin !== this.options.origin) {
      throw new Error(
        `refusing a request to ${parsed.origin}: only the configured orgUrl ${this.options.origin} may receive credentials`,
      );
    }
    return parsed.pathname;
  }

  private pause(waitMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + waitMs);
  }

  private async untilReset(signal: AbortSignal): Promise<void> {
    const waitMs = this.pausedUntil - Date.now();
    if (waitMs > 0) await sleep(waitMs, undefined, { signal });
  }
}

/**
 * The wait Okta asks for: X-Rate-Limit-Reset (UTC epoch seconds) − the response's Date + 1 s for the
 * sub-second difference between the two clocks, as the SDK computes it
 * (https://github.com/okta/okta-sdk-nodejs#rate-limiting, src/default-request-executor.js). Using the
 * server's Date keeps a skewed local clock out of it. Undefined when the reset is absent or repeated
 * (the SDK does not retry those either, OKTA-112507); at least 1 s.
 */
export function rateLimitWaitMs(headers: HeaderLookup, localNow: number = Date.now()): number | undefined {
  const reset = headers.get('x-rate-limit-reset')?.trim();
  if (reset === undefined || !/^\d+$/.test(reset)) return undefined;
  const serverNow = Date.parse(headers.get('date') ?? '');
  const now = Number.isNaN(serverNow) ? localNow : serverNow;
  return Math.max(0, Number(reset) * 1000 - now) + 1000;
}

function reasonOf(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
}

function methodOf(request: SdkRequest): string {
  return String(request.method ?? 'GET').toUpperCase();
}
