/**
 * One throttle policy for every SCIM request of a run, reads and writes alike. AWS documents only
 * 429 `ThrottlingException` ("Too many requests exceeded the limits") and no rate
 * (https://docs.aws.amazon.com/singlesignon/latest/developerguide/listusers.html), so a 429 is
 * never a failure of the request that saw it: every caller pauses for `Retry-After` (seconds or an
 * HTTP date, RFC 9110 §10.2.3) or, without one, a jittered exponential backoff, and the request is
 * sent again without spending a retry attempt. The only bound is the run's total throttled time.
 */
import { SyncError } from '../errors.js';
import { backoffDelay } from './backoff.js';
import type { RequestLimiter } from './limiter.js';

export interface ThrottlePolicyOptions {
  /** Total time a run may spend paused by 429s (`sync.maxThrottleWaitMs`). */
  maxWaitMs: number;
  /** First backoff step when AWS sends no Retry-After; doubles per consecutive 429. */
  baseMs?: number;
  /** Cap on one backoff step. */
  capMs?: number;
  random?: () => number;
}

export const DEFAULT_THROTTLE_BASE_MS = 1_000;
export const DEFAULT_THROTTLE_CAP_MS = 30_000;

/** The run was throttled for longer than `sync.maxThrottleWaitMs` in total; it stops cleanly. */
export class ThrottledTooLongError extends SyncError {
  readonly throttledMs: number;

  constructor(throttledMs: number, maxWaitMs: number) {
    super(
      'THROTTLED',
      `AWS kept answering 429 (throttling): ${Math.round(throttledMs / 1000)} s paused in this run, and the next pause would pass sync.maxThrottleWaitMs (${maxWaitMs} ms). Nothing more was sent; run again later or lower sync.rateLimit.requestsPerSecond.`,
    );
    this.throttledMs = throttledMs;
  }
}

export class ThrottlePolicy {
  readonly #limiter: RequestLimiter;
  readonly #maxWaitMs: number;
  readonly #baseMs: number;
  readonly #capMs: number;
  readonly #random: () => number;
  #throttledMs = 0;

  constructor(limiter: RequestLimiter, options: ThrottlePolicyOptions) {
    this.#limiter = limiter;
    this.#maxWaitMs = options.maxWaitMs;
    this.#baseMs = options.baseMs ?? DEFAULT_THROTTLE_BASE_MS;
    this.#capMs = options.capMs ?? DEFAULT_THROTTLE_CAP_MS;
    this.#random = options.random ?? Math.random;
  }

  /** Total pause this run has taken for 429s so far. */
  get throttledMs(): number {
    return this.#throttledMs;
  }

  /**
   * Pauses every caller of the shared limiter for the `consecutive`-th 429 in a row and returns the
   * wait. Throws ThrottledTooLongError instead when that wait would pass the run's bound.
   */
  pauseFor(retryAfterMs: number | undefined, consecutive: number): number {
    // BullMQ and timers need ≥ 1 ms; `Retry-After: 0` is legal and still means "not now".
    const waitMs = Math.max(1, retryAfterMs ?? backoffDelay(consecutive, this.#baseMs, this.#capMs, this.#random));
    if (this.#throttledMs + waitMs > this.#maxWaitMs)
      throw new ThrottledTooLongError(this.#throttledMs, this.#maxWaitMs);
    this.#throttledMs += waitMs;
    this.#limiter.pause(waitMs);
    return waitMs;
  }
}
