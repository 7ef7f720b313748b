/**
 * Process exit codes, one per outcome an operator or an alert must tell apart. Documented in the README.
 */
export const EXIT = {
  /** sync applied everything (or nothing was needed); diff found nothing to do. */
  success: 0,
  /** An unexpected internal error. */
  internal: 1,
  /** diff only: the plan has changes that `sync` would apply. */
  changesPending: 2,
  /** The deletion brake held the plan; nothing was applied. Re-run with `--approve <hash>`. */
  blocked: 3,
  /** Some operations failed after retries; the rest were applied. The next run re-plans. */
  partialFailure: 4,
  /** AWS rejected the SCIM token (401/403); the run stopped at once. */
  credentialsInvalid: 5,
  /** The configuration is invalid or a secret could not be read. */
  configInvalid: 6,
  /** A source could not be read completely, or its result was refused (empty, shrank); nothing was planned. */
  sourceFailed: 7,
  /** Redis (queue or state store) is unreachable, or its eviction policy could lose jobs. */
  redisUnavailable: 8,
  /** The AWS SCIM endpoint could not be read (DNS, TLS, connection, 5xx after retries); nothing was applied. */
  targetUnavailable: 11,
  /** AWS throttled (429) the run for longer than `sync.maxThrottleWaitMs` in total; it stopped cleanly. */
  throttled: 9,
  /** Another run held the run lock for longer than `sync.lockWaitMs`; this run applied nothing. */
  locked: 10,
} as const;

export type RunStatus =
  'success' | 'changes-pending' | 'blocked' | 'partial-failure' | 'credentials-invalid' | 'source-failed' | 'throttled';

export function exitCodeFor(status: RunStatus): number {
  switch (status) {
    case 'success':
      return EXIT.success;
    case 'changes-pending':
      return EXIT.changesPending;
    case 'blocked':
      return EXIT.blocked;
    case 'partial-failure':
      return EXIT.partialFailure;
    case 'credentials-invalid':
      return EXIT.credentialsInvalid;
    case 'source-failed':
      return EXIT.sourceFailed;
    case 'throttled':
      return EXIT.throttled;
  }
}
