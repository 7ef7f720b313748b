import { SyncError } from '../errors.js';
import type { Operation } from '../diff/plan.js';
import { ScimError, ScimTransportError, UnsendableValueError } from '../scim/errors.js';
import { networkProblem } from '../util/network.js';
import type { IdDirectory } from './port.js';

/** How the executor must react to a failed attempt. */
export type FailureClass = 'throttle' | 'retryable' | 'auth' | 'permanent';

export function classifyFailure(err: unknown): FailureClass {
  if (err instanceof ScimError) {
    if (err.isThrottle) return 'throttle';
    if (err.isAuth) return 'auth';
    if (err.isServer) return 'retryable';
    return 'permanent';
  }
  if (err instanceof ScimTransportError) return 'retryable';
  if (err instanceof OperationError || err instanceof UnsendableValueError) return 'permanent';
  return 'retryable';
}

/**
 * The one line for a write whose connection never opened (refused, DNS, TLS, unreachable), naming
 * the host and what to check: every other write would fail the same way, so the run stops (in
 * process and through the queue alike). Undefined for any other failure, including a transport
 * error after the request may have been sent.
 */
export function unreachableMessage(err: unknown): string | undefined {
  if (!(err instanceof ScimTransportError) || err.maybeCommitted) return undefined;
  const problem = networkProblem(err.cause);
  if (!problem) return undefined;
  return `cannot reach the AWS SCIM endpoint ${err.host ?? problem.host ?? ''}: ${problem.what} (${problem.code}); check ${problem.check}`;
}

/** A deterministic failure of one operation that no retry can fix (a conflict, a missing dependency). */
export class OperationError extends SyncError {
  readonly reason: 'conflict' | 'dependency' | 'not-found' | 'unconfirmed';

  constructor(reason: OperationError['reason'], message: string, options?: { cause?: unknown }) {
    super('SCIM_ERROR', message, options);
    this.reason = reason;
  }
}

/** What happened to one operation, for the run report. */
export interface OperationResult {
  index: number;
  kind: string;
  externalId: string;
  status: 'applied' | 'failed' | 'skipped';
  attempts: number;
  note?: string;
  /** The AWS id of a group this operation created, so the run can record its members under it. */
  scimId?: string;
  error?: { code: string; status?: number; detail?: string; requestId?: string; message: string };
}

export function describeError(err: unknown): NonNullable<OperationResult['error']> {
  if (err instanceof ScimError) {
    return { code: err.code, status: err.status, detail: err.detail, requestId: err.requestId, message: err.message };
  }
  if (err instanceof SyncError) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/** The AWS id a `createGroup` got, from the run's id directory; nothing for other operations. */
export async function createdGroupId(op: Operation, ids: IdDirectory): Promise<{ scimId?: string }> {
  if (op.kind !== 'createGroup') return {};
  const id = await ids.get('group', op.externalId);
  return id ? { scimId: id } : {};
}
