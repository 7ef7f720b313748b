/**
 * Client-side rate limiting for the SCIM endpoint. AWS publishes no SCIM rate, only 429
 * `ThrottlingException` (DG/listusers etc.), and peers were throttled at a few hundred objects
 * (ssosync #13). So every request, reads included, passes one shared limiter, and a 429 pauses
 * all callers rather than the one request that saw it.
 */
export interface RequestLimiter {
  /** Resolves when the caller may send one request; rejects with `signal.reason` if aborted first. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Blocks every acquirer for `ms` from now. Extends an existing pause, never shortens it. */
  pause(ms: number): void;
}

export interface LimiterStats {
  acquired: number;
  totalPausedMs: number;
  waiting: number;
}

export interface TokenBucketOptions {
  ratePerSecond: number;
  /** Requests allowed at once after an idle period. Default 1: a steady stream, no bursts. */
  burst?: number;
  /** Monotonic clock in ms; injectable for tests. */
  now?: () => number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * A token bucket with a FIFO queue and a single timer (no polling).
 *
 * While callers are queued the bucket may hold one token above `burst`. Timers fire late (by a
 * millisecond when idle, by much more when the event loop is busy); with a strict cap of `burst`
 * that lateness would be lost on every request and a backlog would drain below the configured rate.
 * The extra token keeps the schedule: after a late release the next one comes early, so the
 * long-run rate matches the configuration, with bursts of at most burst + 1.
 */
export class TokenBucketLimiter implements RequestLimiter {
  readonly #intervalMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #queue: Waiter[] = [];
  #tokens: number;
  #refilledAt: number;
  #pausedUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #acquired = 0;
  #totalPausedMs = 0;

  constructor(options: TokenBucketOptions) {
    const { ratePerSecond, burst = 1 } = options;
    if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0)
      throw new RangeError('ratePerSecond must be a positive number');
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError('burst must be an integer ≥ 1');
    this.#intervalMs = 1000 / ratePerSecond;
    this.#burst = burst;
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = burst;
    this.#refilledAt = this.#now();
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.#now();
    this.#refill(now);
    if (this.#queue.length === 0 && now >= this.#pausedUntil && this.#tokens >= 1) {
      this.#take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => this.#abandon(waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      this.#schedule();
    });
  }

  /**
   * When the pause ends the bucket restarts with at most one token: one request probes the endpoint
   * and the rest follow at the configured rate, instead of a burst that would earn another 429.
   */
  pause(ms: number): void {
    if (!(ms > 0)) return;
    const now = this.#now();
    const until = now + ms;
    if (until <= this.#pausedUntil) return;
    this.#totalPausedMs += until - Math.max(this.#pausedUntil, now);
    this.#pausedUntil = until;
    this.#tokens = Math.min(this.#tokens, 1);
    this.#refilledAt = until;
    this.#schedule();
  }

  stats(): LimiterStats {
    return { acquired: this.#acquired, totalPausedMs: this.#totalPausedMs, waiting: this.#queue.length };
  }

  #refill(now: number): void {
    if (now <= this.#refilledAt) return;
    const cap = this.#queue.length > 0 ? this.#burst + 1 : this.#burst;
    this.#tokens = Math.min(cap, this.#tokens + (now - this.#refilledAt) / this.#intervalMs);
    this.#refilledAt = now;
  }

  #take(): void {
    this.#tokens -= 1;
    this.#acquired += 1;
  }

  #drain(): void {
    this.#timer = undefined;
    const now = this.#now();
    this.#refill(now);
    while (this.#queue.length > 0 && now >= this.#pausedUntil && this.#tokens >= 1) {
      const waiter = this.#queue.shift() as Waiter;
      this.#detach(waiter);
      this.#take();
      waiter.resolve();
    }
    if (this.#queue.length === 0) this.#tokens = Math.min(this.#tokens, this.#burst);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#queue.length === 0) return;
    const now = this.#now();
    const untilToken = Math.max(0, (1 - this.#tokens) * this.#intervalMs);
    const delay = Math.max(this.#pausedUntil - now, Math.max(this.#refilledAt - now, 0) + untilToken);
    this.#timer = setTimeout(() => this.#drain(), Math.ceil(delay));
  }

  #abandon(waiter: Waiter): void {
    const index = this.#queue.indexOf(waiter);
    if (index === -1) return;
    this.#queue.splice(index, 1);
    this.#detach(waiter);
    waiter.reject(waiter.signal?.reason);
    this.#schedule();
  }

  #detach(waiter: Waiter): void {
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }
}

/**
 * The limiter a client uses when none is configured: no rate, but a 429 still pauses every request
 * of that client until the server's `Retry-After` has passed.
 */
export function pauseOnlyLimiter(now: () => number = () => performance.now()): RequestLimiter {
  let pausedUntil = 0;
  const limiter: RequestLimiter = {
    acquire(signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const wait = pausedUntil - now();
      if (wait <= 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          // The pause may have been extended meanwhile; check again.
          limiter.acquire(signal).then(resolve, reject);
        }, Math.ceil(wait));
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    pause(ms: number): void {
      pausedUntil = Math.max(pausedUntil, now() + Math.max(0, ms));
    },
  };
  return limiter;
}
