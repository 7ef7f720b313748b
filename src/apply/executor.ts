import { mapLimit } from '../util/concurrency.js';
import type { Operation, Plan } from '../diff/plan.js';
import { operationExternalId, PHASES } from '../diff/plan.js';
import type { Logger } from '../log/logger.js';
import type { RequestLimiter } from '../scim/limiter.js';
import { ThrottledTooLongError, ThrottlePolicy } from '../scim/throttle.js';
import { applyOperation } from './apply-operation.js';
import { auditEntry } from './audit.js';
import { backoffDelay, sleep } from '../scim/backoff.js';
import { classifyFailure, createdGroupId, describeError, unreachableMessage, type OperationResult } from './outcome.js';
import type { ApplyContext } from './port.js';

export interface ExecutorSettings {
  concurrency: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** A run throttled (429) for longer than this in total stops retrying; 429 alone never fails an operation before that. */
  maxThrottleWaitMs: number;
  /** Audit lines name the changed fields but replace their values (PII) with a mask. */
  maskAuditValues?: boolean;
}

export interface ExecutionResult {
  results: OperationResult[];
  /**
   * Set when the run stopped early: AWS rejected the credentials (401/403), throttled the run past
   * its bound, or could not be connected to at all; or (queue mode) no worker consumed the queue.
   */
  aborted?: 'credentials' | 'throttled' | 'unreachable' | 'no-worker';
  /** With `aborted: 'unreachable'`: which host, what failed, what to check. */
  unreachable?: string;
  throttledMs: number;
  /** Attempts made across all operations (an attempt may send several requests). */
  attempts: number;
  elapsedMs: number;
}

/** Applies a plan: in this process by default, or through the queue (`icsync sync --queue`). */
export type PlanExecutor = (
  plan: Plan,
  context: { runId: string; logger: Logger; onProgress?: (done: number, total: number) => void; signal?: AbortSignal },
) => Promise<ExecutionResult>;

export interface ExecutorDeps {
  ctx: ApplyContext;
  limiter: RequestLimiter;
  /** The run's one 429 policy, shared with the reads; by default one over `limiter` and `settings`. */
  throttle?: ThrottlePolicy;
  logger: Logger;
  settings: ExecutorSettings;
  onProgress?: (done: number, total: number) => void;
  /** SIGTERM: no new operation starts; those in flight finish (their outcome is recorded). */
  signal?: AbortSignal;
  random?: () => number;
}

/**
 * The in-process executor: phases in order (users → groups → members → removals → deactivation →
 * deletes), operations within a phase concurrently. A 429 pauses every writer through the shared
 * limiter and is retried without consuming an attempt; 5xx and network errors retry with bounded
 * jittered backoff; 401/403 stop the run at once, since no later request can succeed with that credential.
 */
export async function executePlan(plan: Plan, deps: ExecutorDeps): Promise<ExecutionResult> {
  const started = performance.now();
  const throttle =
    deps.throttle ??
    new ThrottlePolicy(deps.limiter, {
      maxWaitMs: deps.settings.maxThrottleWaitMs,
      baseMs: deps.settings.retryBaseMs,
      capMs: deps.settings.retryMaxMs,
      ...(deps.random ? { random: deps.random } : {}),
    });
  const throttledBefore = throttle.throttledMs;
  const run: RunState = { throttle, attempts: 0, done: 0 };
  const results = new Array<OperationResult>(plan.operations.length);
  const indexed = plan.operations.map((op, index) => ({ op, index }));
  for (const kinds of PHASES) {
    const phase = indexed.filter((x) => kinds.includes(x.op.kind));
    await mapLimit(phase, deps.settings.concurrency, async ({ op, index }) => {
      const stop = stopReason(run, deps.signal);
      results[index] = stop ? skipped(op, index, stop) : await runOperation(op, index, deps, run);
      run.done += 1;
      deps.onProgress?.(run.done, plan.operations.length);
    });
  }
  return {
    results,
    ...(run.aborted ? { aborted: run.aborted } : {}),
    ...(run.unreachable ? { unreachable: run.unreachable } : {}),
    throttledMs: Math.round(throttle.throttledMs - throttledBefore),
    attempts: run.attempts,
    elapsedMs: Math.round(performance.now() - started),
  };
}

interface RunState {
  aborted?: 'credentials' | 'throttled' | 'unreachable';
  unreachable?: string;
  throttle: ThrottlePolicy;
  attempts: number;
  done: number;
}

async function runOperation(op: Operation, index: number, deps: ExecutorDeps, run: RunState): Promise<OperationResult> {
  const { settings, logger } = deps;
  const random = deps.random ?? Math.random;
  let attempts = 0;
  let throttles = 0;
  let ambiguous = false;
  for (;;) {
    const stop = stopReason(run, deps.signal);
    if (stop) return skipped(op, index, stop);
    attempts += 1;
    try {
      run.attempts += 1;
      const note = await applyOperation(op, deps.ctx, ambiguous);
      logger.info(
        { audit: await auditEntry(op, deps.ctx.ids, settings.maskAuditValues ?? false), ...(note ? { note } : {}) },
        'audit: SCIM write applied',
      );
      return {
        index,
        kind: op.kind,
        externalId: operationExternalId(op),
        status: 'applied',
        attempts,
        ...(note ? { note } : {}),
        ...(await createdGroupId(op, deps.ctx.ids)),
      };
    } catch (err) {
      const failure = classifyFailure(err);
      if (failure === 'auth') {
        run.aborted = 'credentials';
        logger.error({ err, op: op.kind }, 'AWS rejected the SCIM credentials; stopping the run');
        return failed(op, index, attempts, err);
      }
      if (failure === 'throttle') {
        attempts -= 1;
        throttles += 1;
        try {
          const waitMs = run.throttle.pauseFor(retryAfterOf(err), throttles);
          logger.debug({ op: op.kind, waitMs }, 'throttled by AWS (429); all writers paused');
        } catch (tooLong) {
          if (!(tooLong instanceof ThrottledTooLongError)) throw tooLong;
          run.aborted ??= 'throttled';
          logger.error(
            { throttledMs: tooLong.throttledMs, op: op.kind },
            'throttled past sync.maxThrottleWaitMs; stopping the run',
          );
          return failed(op, index, attempts, tooLong);
        }
        continue;
      }
      if (failure === 'permanent') return failed(op, index, attempts, err);
      if (attempts >= settings.maxAttempts) {
        noteUnreachable(run, err, logger);
        return failed(op, index, attempts, err);
      }
      ambiguous = true;
      const wait = backoffDelay(attempts, settings.retryBaseMs, settings.retryMaxMs, random);
      logger.warn(
        { op: op.kind, externalId: operationExternalId(op), attempt: attempts, waitMs: wait, err },
        'SCIM write failed; retrying after re-reading state',
      );
      await sleep(wait, deps.signal).catch(() => undefined);
    }
  }
}

function stopReason(run: RunState, signal: AbortSignal | undefined): string | undefined {
  if (run.aborted === 'credentials') return 'run stopped: credentials rejected';
  if (run.aborted === 'throttled') return 'run stopped: throttled longer than sync.maxThrottleWaitMs';
  if (run.aborted === 'unreachable') return 'run stopped: the AWS SCIM endpoint could not be reached';
  if (signal?.aborted) return 'run interrupted before this operation started';
  return undefined;
}

/**
 * Retries spent on a connection that never opened (refused, DNS, TLS, unreachable): every other
 * operation would fail the same way, each after its own retries, so the run stops here.
 */
function noteUnreachable(run: RunState, err: unknown, logger: Logger): void {
  const message = unreachableMessage(err);
  if (message === undefined) return;
  run.aborted ??= 'unreachable';
  run.unreachable ??= message;
  logger.error({ reason: message }, 'the AWS SCIM endpoint cannot be reached; stopping the run');
}

function retryAfterOf(err: unknown): number | undefined {
  const ms = (err as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof ms === 'number' ? ms : undefined;
}

function failed(op: Operation, index: number, attempts: number, err: unknown): OperationResult {
  return {
    index,
    kind: op.kind,
    externalId: operationExternalId(op),
    status: 'failed',
    attempts,
    error: describeError(err),
  };
}

function skipped(op: Operation, index: number, note: string): OperationResult {
  return { index, kind: op.kind, externalId: operationExternalId(op), status: 'skipped', attempts: 0, note };
}
