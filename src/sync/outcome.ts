import type { ExecutionResult } from '../apply/executor.js';
import { ScimError, ScimProtocolError, ScimTransportError } from '../scim/errors.js';
import { networkProblem } from '../util/network.js';
import type { RunStatus } from './exit-codes.js';

/** The run's outcome after applying, and the sentence the report and the result line give for it. */
export function executionStatus(exec: ExecutionResult, signal: AbortSignal | undefined): RunStatus {
  if (exec.aborted === 'credentials') return 'credentials-invalid';
  if (exec.aborted === 'throttled') return 'throttled';
  if (exec.aborted === 'no-worker') return 'no-worker';
  if (exec.aborted === 'unreachable') return 'target-unavailable';
  // Stopped on request: what was not started is the interruption's doing, not a failure.
  if (signal?.aborted && exec.results.some((r) => r.status === 'skipped')) return 'interrupted';
  return exec.results.some((r) => r.status !== 'applied') ? 'partial-failure' : 'success';
}

/** Why the run was asked to stop ("received SIGINT", "run lock lost"). */
export function stopReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason.message : 'stopped';
}

export function executionMessage(status: RunStatus, exec: ExecutionResult, signal: AbortSignal | undefined): string {
  const failed = exec.results.filter((r) => r.status === 'failed').length;
  const applied = exec.results.filter((r) => r.status === 'applied').length;
  const skipped = exec.results.filter((r) => r.status === 'skipped').length;
  if (status === 'interrupted')
    return `interrupted (${stopReason(signal)}): ${applied} operation(s) applied, ${failed} failed, ${skipped} not started; the state is saved and the next run re-plans.`;
  if (status === 'target-unavailable')
    return `${exec.unreachable ?? 'the AWS SCIM endpoint could not be reached'}. The run stopped: ${applied} operation(s) applied, ${failed} failed, ${skipped} not started; the next run re-plans.`;
  if (status === 'no-worker')
    return `no icsync worker consumed the queue: ${applied} operation(s) applied, ${failed} failed, ${skipped} not started (never queued, or withdrawn from the queue). Start 'icsync worker' with the same queue.name and redis.keyPrefix, or sync without --queue.`;
  if (status === 'throttled')
    return `AWS throttled the run for longer than sync.maxThrottleWaitMs (${exec.throttledMs} ms paused); the operations not yet applied were left for the next run.`;
  if (status === 'credentials-invalid')
    return 'AWS rejected the SCIM token (401/403); the run stopped. Rotate the token (IAM Identity Center → Settings → Automatic provisioning).';
  if (status === 'partial-failure') {
    return `${failed} operation(s) failed${skipped > 0 ? ` and ${skipped} were not started (interrupted)` : ''}; the rest were applied. The next run re-plans from AWS state.`;
  }
  return `${exec.results.length} operation(s) applied`;
}

/**
 * The AWS SCIM endpoint could not be read: no connection (naming the host and what to check), an
 * answer that cannot be planned from, or 5xx after retries. Undefined for any other error.
 */
export function targetUnavailableMessage(err: unknown): string | undefined {
  if (err instanceof ScimTransportError) {
    const problem = networkProblem(err.cause);
    const host = err.host ?? problem?.host ?? 'target.baseUrl';
    const why = problem
      ? `${problem.what} (${problem.code}); check ${problem.check}`
      : `${err.causeCode ?? 'no response'}; check egress, DNS and the CA bundle`;
    return `cannot reach the AWS SCIM endpoint ${host}: ${why}. Nothing was applied; the next run retries.`;
  }
  if (err instanceof ScimProtocolError || (err instanceof ScimError && err.isServer))
    return `the AWS SCIM endpoint could not be read: ${err.message}. Nothing was applied; the next run retries.`;
  return undefined;
}
