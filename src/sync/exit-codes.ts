/**
 * Process exit codes, one per outcome an operator or an alert must tell apart. README's exit-code
 * table lists exactly these (a test compares the two).
 */
export const EXIT = {
  /** sync applied everything (or nothing was needed); diff found nothing to do. */
  success: 0,
  /** An unexpected internal error: a bug to report. Never an operator mistake. */
  internal: 1,
  /** diff only: the plan has changes that `sync` would apply. */
  changesPending: 2,
  /** The deletion brake (or, in diff, the shrink guard) held the plan; nothing was applied. */
  blocked: 3,
  /** Some operations failed after retries; the rest were applied. The next run re-plans. */
  partialFailure: 4,
  /** AWS rejected the SCIM token (401/403); the run stopped at once. */
  credentialsInvalid: 5,
  /** The configuration is invalid or a secret could not be read. */
  configInvalid: 6,
  /** A source could not be read completely, or its result was refused (empty, shrank); nothing was applied. */
  sourceFailed: 7,
  /** Redis (queue or state store) is unreachable, or its eviction policy could lose jobs. */
  redisUnavailable: 8,
  /** AWS throttled (429) the run for longer than `sync.maxThrottleWaitMs` in total; it stopped cleanly. */
  throttled: 9,
  /** Another run held the run lock for longer than `sync.lockWaitMs`; this run applied nothing. */
  locked: 10,
  /** The AWS SCIM endpoint could not be reached (DNS, TLS, connection, 5xx after retries). */
  targetUnavailable: 11,
  /** SIGINT or SIGTERM: no new operation started, those in flight finished, the state was saved. */
  interrupted: 12,
  /** `sync --queue`: no `icsync worker` took the run's operations within `queue.workerWaitMs`. */
  noWorker: 13,
  /**
   * The command line is wrong (unknown command or flag, a missing flag value, an `--only` selector
   * that is malformed or matches nothing in the sources), after sysexits.h's
   * EX_USAGE (64), so scripts can tell a typo from an invalid configuration.
   */
  usage: 64,
} as const;

export type RunStatus =
  | 'success'
  | 'changes-pending'
  | 'blocked'
  | 'partial-failure'
  | 'credentials-invalid'
  | 'config-invalid'
  | 'source-failed'
  | 'redis-unavailable'
  | 'throttled'
  | 'locked'
  | 'target-unavailable'
  | 'interrupted'
  | 'no-worker'
  | 'usage-error'
  | 'internal-error';

/** Every run status with its exit code; docs/plan.schema.json lists the same statuses (a test compares them). */
export const STATUS_EXIT_CODES: Readonly<Record<RunStatus, number>> = {
  success: EXIT.success,
  'changes-pending': EXIT.changesPending,
  blocked: EXIT.blocked,
  'partial-failure': EXIT.partialFailure,
  'credentials-invalid': EXIT.credentialsInvalid,
  'config-invalid': EXIT.configInvalid,
  'source-failed': EXIT.sourceFailed,
  'redis-unavailable': EXIT.redisUnavailable,
  throttled: EXIT.throttled,
  locked: EXIT.locked,
  'target-unavailable': EXIT.targetUnavailable,
  interrupted: EXIT.interrupted,
  'no-worker': EXIT.noWorker,
  'usage-error': EXIT.usage,
  'internal-error': EXIT.internal,
};

export function exitCodeFor(status: RunStatus): number {
  return STATUS_EXIT_CODES[status];
}

/** One line for `icsync --help`; README's table says more. */
export const EXIT_SUMMARY = `Exit codes: 0 success, 2 changes pending (diff), 3 blocked (deletion brake; diff: shrink guard),
4 partial failure, 5 credentials invalid, 6 config invalid, 7 source failed or refused,
8 Redis unavailable or unsafe, 9 throttled past sync.maxThrottleWaitMs, 10 locked by another sync,
11 AWS SCIM endpoint unreachable, 12 interrupted (SIGINT/SIGTERM), 13 no queue worker,
64 usage error, 1 internal error (a bug).`;
