import type { RateLimitOptions, RetryAfterForm } from './types.js';

/**
 * A token bucket over all requests. AWS publishes no SCIM rate and only documents 429 ThrottlingException
 * (DG/listusers and the other pages); whether the 429 carries `Retry-After` is unverified, so its form is a
 * setting.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = options.burst;
    this.refilledAt = now();
  }

  /** Takes one token; when none is left, returns the seconds until one will be. */
  take(): { allowed: true } | { allowed: false; waitSeconds: number } {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, waitSeconds: (1 - this.tokens) / this.options.requestsPerSecond };
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.options.burst, this.tokens + elapsed * this.options.requestsPerSecond);
    this.refilledAt = now;
  }
}

/**
 * RFC 9110 §10.2.3: delay-seconds (a whole number) or an HTTP-date; 'none' sends no header. A bucket wait is
 * always above 0 and rounds up to at least 1; an injected fault may ask for 0 to keep tests fast.
 */
export function retryAfterHeader(form: RetryAfterForm, seconds: number, now = Date.now()): string | undefined {
  const whole = Math.max(0, Math.ceil(seconds));
  if (form === 'seconds') return String(whole);
  if (form === 'http-date') return new Date(now + whole * 1000).toUTCString();
  return undefined;
}
