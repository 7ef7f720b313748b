import { setTimeout as sleep } from 'node:timers/promises';
import {
  AuthenticationHandler,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type AuthenticationProvider,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';

export interface RetryPolicy {
  maxRetries: number;
  delaySeconds: number;
}

/** Why a request is being sent again; counted and logged without URLs or bodies. */
export interface RetryEvent {
  reason: 'status' | 'network';
  status?: number;
  attempt: number;
}

export interface ChainOptions {
  authProvider: AuthenticationProvider;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  onRetry: (event: RetryEvent) => void;
}

/**
 * The SDK's default chain (Authentication → Retry → Redirect → Telemetry → HTTP message, as in
 * src/middleware/MiddlewareFactory.ts of https://github.com/microsoftgraph/msgraph-sdk-javascript) with our retry
 * bounds, plus one handler before the wire that gives every attempt its own timeout and retries failures that
 * produced no response at all, which the SDK's RetryHandler leaves to the caller.
 */
export function graphMiddlewareChain(options: ChainOptions): Middleware {
  const chain: [Middleware, ...Middleware[]] = [
    new AuthenticationHandler(options.authProvider),
    new RetryHandler(retryHandlerOptions(options.retry, options.onRetry)),
    new RedirectHandler(new RedirectHandlerOptions()),
    new TelemetryHandler(),
    new AttemptHandler(options.requestTimeoutMs, options.retry, options.onRetry),
    new HTTPMessageHandler(),
  ];
  chain.reduce((previous, next) => {
    previous.setNext?.(next);
    return next;
  });
  return chain[0];
}

/**
 * RetryHandler retries 429, 503 and 504, honouring Retry-After in seconds or as an HTTP date and
 * otherwise backing off exponentially from `delaySeconds`; every wait is capped at 180 s by the SDK.
 * An aborted read is not retried.
 */
function retryHandlerOptions(retry: RetryPolicy, onRetry: (event: RetryEvent) => void): RetryHandlerOptions {
  return new RetryHandlerOptions(
    retry.delaySeconds,
    retry.maxRetries,
    (_delay, attempt, _request, fetchOptions, response) => {
      if (fetchOptions?.signal?.aborted === true) return false;
      onRetry({ reason: 'status', status: response.status, attempt: attempt + 1 });
      return true;
    },
  );
}

/**
 * Gives each attempt a fresh timeout (a timeout shared across retries would leave later attempts
 * no time), joined with the caller's abort signal. A request that threw — connection reset, DNS,
 * TLS, timeout — is retried with backoff up to `maxRetries`; only GETs pass through this source.
 */
class AttemptHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly retry: RetryPolicy,
    private readonly onRetry: (event: RetryEvent) => void,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const options = (context.options ??= {});
    const caller = options.signal ?? undefined;
    for (let attempt = 0; ; attempt += 1) {
      const timeout = AbortSignal.timeout(this.timeoutMs);
      options.signal = caller === undefined ? timeout : AbortSignal.any([caller, timeout]);
      try {
        if (this.next === undefined) throw new Error('the attempt handler needs a next middleware');
        await this.next.execute(context);
        return;
      } catch (err) {
        if (caller?.aborted === true || attempt >= this.retry.maxRetries || (options.method ?? 'GET') !== 'GET')
          throw err;
        this.onRetry({ reason: 'network', attempt: attempt + 1 });
        await sleep(
          Math.min(this.retry.delaySeconds * 2 ** attempt, 180) * 1000,
          undefined,
          caller === undefined ? {} : { signal: caller },
        );
      } finally {
        options.signal = caller;
      }
    }
  }
}
