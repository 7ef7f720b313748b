/**
 * A failed Graph call, reduced to what an operator needs: the HTTP status, Graph's error code and
 * message, and the request id to quote to Microsoft support. The SDK's own error carries response
 * headers and the raw body; they are dropped here, so nothing but these fields can reach a log line
 * or a report.
 */
export class GraphRequestError extends Error {
  readonly status: number | undefined;
  readonly graphCode: string | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, details: { status?: number; graphCode?: string; requestId?: string } = {}) {
    super(message);
    this.name = 'GraphRequestError';
    this.status = details.status;
    this.graphCode = details.graphCode;
    this.requestId = details.requestId;
  }
}

/** Graph's answers to a delta link that can no longer be resumed (learn.microsoft.com/graph/delta-query-overview). */
const EXPIRED_DELTA_CODES = new Set(['syncStateNotFound', 'resyncRequired', 'syncStateInvalid']);

/** A delta token that expired (410 Gone, or one of the resync codes): start a full enumeration. */
export function isExpiredDeltaToken(err: unknown): err is GraphRequestError {
  if (!(err instanceof GraphRequestError)) return false;
  return err.status === 410 || (err.graphCode !== undefined && EXPIRED_DELTA_CODES.has(err.graphCode));
}

export function isNotFound(err: unknown): boolean {
  return err instanceof GraphRequestError && err.status === 404;
}

interface SdkErrorShape {
  statusCode?: unknown;
  code?: unknown;
  message?: unknown;
  requestId?: unknown;
  name?: unknown;
}

/** Turns whatever the SDK (or @azure/identity, through the SDK's auth handler) threw into a GraphRequestError. */
export function toGraphRequestError(err: unknown, operation: string): GraphRequestError {
  if (err instanceof GraphRequestError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
  const status = typeof e.statusCode === 'number' && e.statusCode > 0 ? e.statusCode : undefined;
  const graphCode = typeof e.code === 'string' && e.code !== '' ? e.code : undefined;
  const requestId = typeof e.requestId === 'string' ? e.requestId : undefined;
  const text =
    typeof e.message === 'string' && e.message !== '' ? e.message : typeof e.name === 'string' ? e.name : String(err);
  const parts = [status === undefined ? undefined : `HTTP ${status}`, graphCode, text].filter((p) => p !== undefined);
  const suffix = requestId === undefined ? '' : ` (request-id ${requestId})`;
  return new GraphRequestError(`${operation}: ${[...new Set(parts)].join(' ')}${suffix}`, {
    status,
    graphCode,
    requestId,
  });
}

/**
 * A copy of an error that keeps only its name and message, for use as a `cause`: errors thrown by
 * HTTP and auth libraries may hold request options, and a cause chain is serialized into logs.
 */
export function sanitizedError(err: unknown): Error {
  if (err instanceof GraphRequestError) return err;
  const copy = new Error(err instanceof Error ? err.message : String(err));
  copy.name = err instanceof Error ? err.name : 'Error';
  return copy;
}
