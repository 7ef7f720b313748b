/** Scrubbing secrets from text that leaves the process; no logger needed, so the CLI can use it at startup. */

/**
 * Credentials in the shape of an HTTP Authorization value (RFC 9110 §11.6.2): a scheme we use
 * (Bearer for AWS SCIM and Graph, SSWS for Okta API tokens, Basic) followed by its token, and any
 * `Authorization` header echoed back by an upstream error text, whatever secret it carries.
 */
const CREDENTIAL_PATTERNS: readonly [RegExp, string][] = [
  [/\b(authorization\\?"?\s*[:=]\s*\\?"?)(?:(?:Bearer|SSWS|Basic)\s+)?[^\s",;}\\]+/gi, '$1[REDACTED]'],
  [/\b(Bearer|SSWS|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [REDACTED]'],
];

/**
 * Replaces every occurrence of a known secret value, and anything shaped like a credential,
 * whatever field or message carries it.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  }
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * The same error with its message and stack scrubbed, for anything that leaves the process: BullMQ
 * stores a failed job's `err.message` as `failedReason` and `err.stack` in `stacktrace` in Redis
 * (https://docs.bullmq.io/guide/jobs/stalled and the Job fields), in clear text.
 */
export function scrubError(err: unknown, secrets: readonly string[]): Error {
  const source = err instanceof Error ? err : new Error(String(err));
  const clean = new Error(scrub(source.message, secrets));
  clean.name = source.name;
  clean.stack = scrub(source.stack ?? `${source.name}: ${source.message}`, secrets);
  return clean;
}
