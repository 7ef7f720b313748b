/**
 * `Retry-After` (RFC 9110 §10.2.3) as undici's RetryHandler reads it: either delay-seconds or an
 * HTTP-date. Whether the SCIM endpoint sends it on 429 is undocumented (the Developer Guide lists only
 * 429 ThrottlingException), so callers must also cope with `undefined`.
 */

/** A misbehaving server or proxy must not be able to park the whole sync for hours. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

const DELAY_SECONDS = /^\s*-?\d+(?:\.\d+)?\s*$/;

/**
 * Milliseconds to wait, or `undefined` when the header is absent or unparseable.
 * Dates in the past and negative delays give 0; anything longer is capped at {@link MAX_RETRY_AFTER_MS}.
 */
export function parseRetryAfter(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (trimmed === '') return undefined;
  const ms = DELAY_SECONDS.test(trimmed) ? Number(trimmed) * 1000 : dateDelay(trimmed, now);
  if (ms === undefined || Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(Math.ceil(ms), 0), MAX_RETRY_AFTER_MS);
}

function dateDelay(value: string, now: number): number | undefined {
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at - now;
}
