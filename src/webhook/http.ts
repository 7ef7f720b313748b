import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

export class ClientAbortedError extends Error {
  constructor() {
    super('the client closed the connection before the body was complete');
  }
}

/**
 * Reads a body up to `limit` bytes, counting while it streams. A declared
 * Content-Length over the limit fails before a byte is read; a body that grows past it stops being
 * read at once, so at most `limit` bytes plus one chunk are ever held. The stream is paused, not
 * destroyed: destroying an IncomingMessage destroys its socket, and the 413 would never be sent.
 */
export function readBody(stream: Readable, limit: number, declaredLength?: number): Promise<Buffer> {
  if (declaredLength !== undefined && declaredLength > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('aborted', onError);
      stream.off('close', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        stream.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (): void => {
      cleanup();
      reject(new ClientAbortedError());
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('aborted', onError);
    stream.once('close', onError);
  });
}

/** The Content-Length header as a number, when it is one. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

/** The media type without parameters, lower-cased (`application/json; charset=utf-8` → `application/json`). */
export function mediaType(req: IncomingMessage): string | undefined {
  return req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
}

/**
 * A compressed body would be inflated past the limit after it was checked (gzip bomb); neither
 * Graph nor Okta compress webhook bodies, so only identity is accepted.
 */
export function isJsonRequest(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  return (
    mediaType(req) === 'application/json' && (encoding === undefined || encoding === '' || encoding === 'identity')
  );
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time comparison against a secret. Both sides are hashed to 32 bytes first, because
 * `timingSafeEqual` throws on a length mismatch (a 500 and a length oracle; ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH,
 * https://nodejs.org/api/errors.html#err_crypto_timing_safe_equal_length);
 * a missing value is compared too, so it takes the same path as a wrong one.
 */
export class SecretMatcher {
  private readonly digest: Buffer;

  constructor(secret: string) {
    this.digest = sha256(secret);
  }

  matches(candidate: unknown): boolean {
    const given = sha256(typeof candidate === 'string' ? candidate : '');
    return timingSafeEqual(given, this.digest) && typeof candidate === 'string';
  }
}

/** Headers on every response: nothing here is a page, and nothing may be sniffed into one. */
const SAFE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

export const TEXT = 'text/plain; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';

export function reply(
  res: ServerResponse,
  status: number,
  body = '',
  contentType = TEXT,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const payload = Buffer.from(body, 'utf8');
  res.writeHead(status, {
    ...SAFE_HEADERS,
    ...headers,
    'Content-Type': contentType,
    'Content-Length': String(payload.length),
  });
  res.end(payload);
}

export class DeadlineError extends Error {
  constructor(what: string) {
    super(`${what} did not finish in time`);
  }
}

/** Rejects once `ms` elapse; the work itself goes on, and its late result is ignored. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what)), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Printable text only: a value echoed back or used as a key never carries markup or control bytes. */
export function isPlainToken(value: string, maxLength: number): boolean {
  return value.length > 0 && value.length <= maxLength && /^[\x20-\x7e]+$/.test(value) && !/[<>]/.test(value);
}
