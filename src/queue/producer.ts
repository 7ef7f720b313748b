import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { OperationResult } from '../apply/outcome.js';
import type { QueueSettings, SyncSettings } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { operationExternalId, PHASES, type Operation, type Plan } from '../diff/plan.js';
import type { PlanExecutor } from '../apply/executor.js';
import { jobId, jobOptions, type OperationJob } from './jobs.js';
import { RunStore } from './run-store.js';

export interface QueueExecutorDeps {
  queue: Queue<OperationJob>;
  redis: Redis;
  prefix: string;
  settings: QueueSettings;
  sync: SyncSettings;
}

/** How long the producer waits out an unreachable Redis before failing the run. */
const REDIS_OUTAGE_LIMIT_MS = 5 * 60_000;

/**
 * Applies a plan through the queue. Phases keep SCIM's order (users and groups exist before a
 * member PATCH names them): each phase is enqueued only after every job of the previous one has a
 * final result. The producer waits for the run's jobs and builds the same ExecutionResult as the
 * in-process executor, so the run report and state update are identical in both modes.
 */
export function queueExecutor(deps: QueueExecutorDeps): PlanExecutor {
  return async (plan, context) => {
    const started = performance.now();
    const store = new RunStore(deps.redis, deps.prefix, context.runId);
    const indexed = plan.operations.map((op, index) => ({ op, index }));
    let done = 0;
    for (const kinds of PHASES) {
      const phase = indexed.filter((x) => kinds.includes(x.op.kind));
      if (phase.length === 0) continue;
      if (context.signal?.aborted || (await store.breakerTripped())) break;
      await deps.queue.addBulk(
        phase.map(({ op, index }) => ({
          name: op.kind,
          data: { runId: context.runId, index, op },
          opts: jobOptions(context.runId, index, deps.sync.maxAttempts, deps.settings.keepFailedJobs),
        })),
      );
      await waitForPhase(
        deps,
        store,
        context.runId,
        phase.map((p) => p.index),
        (n) => context.onProgress?.(done + n, plan.operations.length),
        context.logger,
      );
      done += phase.length;
    }
    const results = await collectResults(store, plan, context.signal?.aborted === true);
    const aborted = results.some((r) => r.error?.code === 'CREDENTIALS_INVALID');
    return {
      results,
      ...(aborted ? { aborted: 'credentials' as const } : {}),
      throttledMs: 0,
      attempts: results.reduce((n, r) => n + r.attempts, 0),
      elapsedMs: Math.round(performance.now() - started),
    };
  };
}

/**
 * Polls until every job of the phase has a result. A Redis outage (restart, failover) is waited
 * out up to REDIS_OUTAGE_LIMIT_MS: workers reconnect on their own and the jobs are still there.
 */
async function waitForPhase(
  deps: QueueExecutorDeps,
  store: RunStore,
  runId: string,
  indices: number[],
  progress: (n: number) => void,
  logger: Logger,
): Promise<void> {
  let lastReconcile = performance.now();
  let outageSince: number | undefined;
  for (;;) {
    try {
      const missing = await store.missing(indices);
      outageSince = undefined;
      progress(indices.length - missing.length);
      if (missing.length === 0) return;
      if (performance.now() - lastReconcile >= deps.settings.reconcileIntervalMs) {
        await reconcile(deps.queue, store, runId, missing);
        lastReconcile = performance.now();
      }
    } catch (err) {
      outageSince ??= performance.now();
      if (performance.now() - outageSince > REDIS_OUTAGE_LIMIT_MS) throw err;
      logger.warn({ err }, 'Redis unavailable while waiting for the run; retrying');
    }
    await new Promise((r) => setTimeout(r, deps.settings.pollIntervalMs));
  }
}

/**
 * Jobs that ended without a worker recording their result: failed because they stalled more than
 * allowed (BullMQ emits no event for that, #3282), or gone because Redis lost them. Both are
 * recorded as failures so the run reports them instead of waiting forever or claiming success.
 * A worker records its result before BullMQ completes (and removes) the job, and `record` never
 * overwrites, so a job that finished a moment ago keeps its real result.
 */
async function reconcile(queue: Queue<OperationJob>, store: RunStore, runId: string, missing: number[]): Promise<void> {
  for (const index of missing) {
    const state = await queue.getJobState(jobId(runId, index));
    if (state !== 'failed' && state !== 'unknown') continue;
    const job = state === 'failed' ? await queue.getJob(jobId(runId, index)) : undefined;
    const op = job?.data.op;
    await store.record({
      index,
      kind: op?.kind ?? 'unknown',
      externalId: op ? operationExternalId(op) : 'unknown',
      status: 'failed',
      attempts: job?.attemptsMade ?? 0,
      error: {
        code: 'QUEUE',
        message: job?.failedReason
          ? `job failed: ${job.failedReason}`
          : 'job disappeared from the queue (Redis data lost?)',
      },
    });
  }
}

async function collectResults(store: RunStore, plan: Plan, interrupted: boolean): Promise<OperationResult[]> {
  const recorded = new Map((await store.results()).map((r) => [r.index, r]));
  const breaker = await store.breakerTripped();
  return plan.operations.map((op: Operation, index) => {
    const r = recorded.get(index);
    if (r) return r;
    const note = breaker
      ? 'run stopped: credentials rejected'
      : interrupted
        ? 'run interrupted before this operation started'
        : 'not started';
    return { index, kind: op.kind, externalId: operationExternalId(op), status: 'skipped' as const, attempts: 0, note };
  });
}
