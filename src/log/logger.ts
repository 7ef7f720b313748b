import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino censors wherever they appear. Secrets are also kept out of log calls by design
 * (ids and counts only); this list is the net under that rule
 * (https://github.com/pinojs/pino/blob/main/docs/redaction.md).
 */
export const REDACT_PATHS = [
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'req.headers.authorization',
  'err.config.headers.authorization',
  'token',
  'bearerToken',
  'password',
  'bindPassword',
  'bindCredentials',
  'clientSecret',
  'clientState',
  'accessToken',
  '*.token',
  '*.bearerToken',
  '*.password',
  '*.bindPassword',
  '*.bindCredentials',
  '*.clientSecret',
  '*.clientState',
  '*.accessToken',
  '*.*.token',
  '*.*.bearerToken',
  '*.*.password',
  '*.*.bindPassword',
  '*.*.clientSecret',
];

export interface LoggerOptions {
  level?: string;
  /** Defaults to stderr, so machine output on stdout (`--json`) stays clean. */
  destination?: DestinationStream;
  /** Extra literal secret values to scrub from any message or field (the configured tokens). */
  secrets?: readonly string[];
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'icsync' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: (line: string) => scrub(line, secrets) },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

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

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
