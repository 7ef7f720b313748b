import { pino, type Logger, type DestinationStream } from 'pino';
import { scrub } from './scrub.js';

export type { Logger } from 'pino';
export { scrub, scrubError } from './scrub.js';

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

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
