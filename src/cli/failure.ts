import { randomUUID } from 'node:crypto';
import { ConfigError, RedisUnavailableError, SyncError, UsageError } from '../errors.js';
import { exitCodeFor, type RunStatus } from '../sync/exit-codes.js';
import { endReport, type RunReport } from '../sync/report.js';
import { targetUnavailableMessage } from '../sync/outcome.js';

/** A command that ended by an exception, as the operator is told: one line, the outcome, its exit code. */
export interface Failure {
  status: RunStatus;
  exitCode: number;
  message: string;
}

const failure = (status: RunStatus, message: string): Failure => ({ status, exitCode: exitCodeFor(status), message });

/**
 * Expected failures (the command line, configuration, Redis, an unreachable AWS endpoint) get their own exit code and
 * a sentence saying what to check; anything else is a bug (exit 1). Never a stack trace.
 */
export function failureOf(err: unknown): Failure {
  if (err instanceof UsageError) return failure('usage-error', err.message);
  if (err instanceof ConfigError) return failure('config-invalid', err.message);
  if (err instanceof RedisUnavailableError) return failure('redis-unavailable', err.message);
  const unreachable = targetUnavailableMessage(err);
  if (unreachable !== undefined) return failure('target-unavailable', unreachable);
  const message = err instanceof Error ? err.message : String(err);
  return failure(
    'internal-error',
    `internal error, please report it: ${err instanceof SyncError ? `[${err.code}] ` : ''}${message}`,
  );
}

/** The run report of a run that ended before reading (or planning): what happened and nothing else. */
export function failureReport(mode: 'diff' | 'sync', startedAt: string, failure: Failure): RunReport {
  const head = { runId: randomUUID(), mode, startedAt, timingsMs: {} };
  return { ...endReport(head, failure.status, failure.message, new Date().toISOString()), exitCode: failure.exitCode };
}
