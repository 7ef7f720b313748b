import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { OperationResult } from '../apply/outcome.js';
import type { QueueSettings, SyncSettings } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { operationExternalId, PHASES, type Operation, type Plan } from '../diff/plan.js';
import type { ExecutionResult, PlanExecutor } from '../apply/executor.js';
import { jobId, jobOptions, type OperationJob } from './jobs.js';
import { liveWorkers } from './heartbeat.js';
import { RunStore } from './run-store.js';
import { sleep } from '../scim/backoff.js';

export interface QueueExecutorDeps {
  queue: Queue<OperationJob>;
  redis: Redis;
  prefix: string;
  settings: QueueSettings;
  sync: SyncSettings;
}

/** How long the producer waits out an unreachable Redis before failing the run. */
const REDIS_OUTAGE_LIMIT_MS = 5 * 60_000;

/** Why the producer stopped waiting before every job of a phase had a result. */
type Stop = 'interrupted' | 'no-worker';

/**
 * Applies a plan through the queue. Phases keep SCIM's order (users and groups exist before a
 * member PATCH names them): each phase is enqueued only after every job of the previous one has a
 * final result. The producer waits for the run's jobs and builds the same ExecutionResult as the
 * in-process executor, so the run report and state update are identical in both modes.
 * It never waits forever: without a worker heartbeat for `queue.workerWaitMs` (no worker, or
 * workers on another queue) or on SIGINT/SIGTERM it withdraws the run's jobs no worker has taken,
 * so a worker started later cannot apply a plan nobody is waiting for.
 */
export function queueExecutor(deps: QueueExecutorDeps): PlanExecutor {
  return async (plan, context) => {
    const started = performance.now();
    const store = new RunStore(deps.redis, deps.prefix, context.runId);
    const indexed = plan.operations.map((op, index) => ({ op, index }));
    const watch = new WorkerWatch(deps, context.logger);
    let done = 0;
    let stop: Stop | undefined;
    for (const kinds of PHASES) {
      const phase = indexed.filter((x) => kinds.includes(x.op.kind));
      if (phase.length === 0) continue;
      if ((await store.breakerTripped()) || (await store.unreachable()) !== undefined) break;
      stop = await awaitWorker(deps, watch, context.signal);
      if (stop) break;
      await deps.queue.addBulk(
        phase.map(({ op, index }) => ({
          name: op.kind,
          data: { runId: context.runId, index, op },
          opts: jobOptions(context.runId, index, deps.sync.maxAttempts, deps.settings.keepFailedJobs),
        })),
      );
      const indices = phase.map((p) => p.index);
      stop = await waitForPhase(deps, store, context, indices, watch, (n) =>
        context.onProgress?.(done + n, plan.operations.length),
      );
      if (stop) {
        await withdraw(deps, store, context.runId, indices, stop, context.logger);
        break;
      }
      done += phase.length;
    }
    const unreachable = await store.unreachable();
    const results = await collectResults(store, plan, stop, unreachable !== undefined);
    const aborted = abortedBy(stop, results, unreachable);
    return {
      results,
      ...(aborted ? { aborted } : {}),
      // The worker's line, so the run ends as an in-process run does (exit 11, the same message).
      ...(aborted === 'unreachable' ? { unreachable } : {}),
      throttledMs: 0,
      attempts: results.reduce((n, r) => n + r.attempts, 0),
      elapsedMs: Math.round(performance.now() - started),
    };
  };
}

/** Why the run stopped early, as the in-process executor reports it; undefined when it did not. */
function abortedBy(
  stop: Stop | undefined,
  results: readonly OperationResult[],
  unreachable: string | undefined,
): ExecutionResult['aborted'] {
  if (stop === 'no-worker') return stop;
  if (results.some((r) => r.error?.code === 'CREDENTIALS_INVALID')) return 'credentials';
  if (unreachable !== undefined) return 'unreachable';
  return undefined;
}

/**
 * Worker heartbeats as the producer sees them: 'alive' while a worker beat recently, 'waiting'
 * until `queue.workerWaitMs` has passed since one was last seen (or since the run began), then 'gone'.
 */
class WorkerWatch {
  #lastSeen = performance.now();
  #warned = false;

  constructor(
    private readonly deps: QueueExecutorDeps,
    private readonly logger: Logger,
  ) {}

  async check(): Promise<'alive' | 'waiting' | 'gone'> {
    const { redis, prefix, settings } = this.deps;
    if ((await liveWorkers(redis, prefix, settings.name, settings.workerHeartbeatMs)) > 0) {
      this.#lastSeen = performance.now();
      return 'alive';
    }
    if (!this.#warned) {
      this.#warned = true;
      this.logger.warn(
        { queue: settings.name, waitMs: settings.workerWaitMs },
        'no icsync worker is consuming the queue; waiting for one',
      );
    }
    return performance.now() - this.#lastSeen > settings.workerWaitMs ? 'gone' : 'waiting';
  }
}

/** Waits until a worker is alive before a phase is enqueued: nothing is queued that no one would take. */
async function awaitWorker(
  deps: QueueExecutorDeps,
  watch: WorkerWatch,
  signal: AbortSignal | undefined,
): Promise<Stop | undefined> {
  for (;;) {
    if (signal?.aborted) return 'interrupted';
    const state = await watch.check();
    if (state === 'alive') return undefined;
    if (state === 'gone') return 'no-worker';
    await sleep(deps.settings.pollIntervalMs, signal).catch(() => undefined);
  }
}

/**
 * Polls until every job of the phase has a result, the run is interrupted, or no worker has beaten
 * for `queue.workerWaitMs`. A Redis outage (restart, failover) is waited out up to
 * REDIS_OUTAGE_LIMIT_MS: workers reconnect on their own and the jobs are still there.
 */
async function waitForPhase(
  deps: QueueExecutorDeps,
  store: RunStore,
  context: { runId: string; logger: Logger; signal?: AbortSignal },
  indices: number[],
  watch: WorkerWatch,
  progress: (n: number) => void,
): Promise<Stop | undefined> {
  let lastReconcile = performance.now();
  let outageSince: number | undefined;
  for (;;) {
    if (context.signal?.aborted) return 'interrupted';
    try {
      const missing = await store.missing(indices);
      outageSince = undefined;
      progress(indices.length - missing.length);
      if (missing.length === 0) return undefined;
      if ((await watch.check()) === 'gone') return 'no-worker';
      if (performance.now() - lastReconcile >= deps.settings.reconcileIntervalMs) {
        await reconcile(deps.queue, store, context.runId, missing);
        lastReconcile = performance.now();
      }
    } catch (err) {
      outageSince ??= performance.now();
      if (performance.now() - outageSince > REDIS_OUTAGE_LIMIT_MS) throw err;
      context.logger.warn({ err }, 'Redis unavailable while waiting for the run; retrying');
    }
    await sleep(deps.settings.pollIntervalMs, context.signal).catch(() => undefined);
  }
}

/**
 * Removes the phase's jobs no worker has taken; collectResults reports them as not started. A job a
 * worker holds cannot be removed (BullMQ refuses locked jobs): it finishes, and its result is
 * waited for up to one lock duration, since a worker renews its lock only while the job runs.
 */
async function withdraw(
  deps: QueueExecutorDeps,
  store: RunStore,
  runId: string,
  indices: number[],
  why: Stop,
  logger: Logger,
): Promise<void> {
  const missing = await store.missing(indices);
  let inFlight: number[] = [];
  for (const index of missing) {
    if ((await deps.queue.remove(jobId(runId, index))) !== 1) inFlight.push(index);
  }
  const withdrawn = missing.length - inFlight.length;
  const deadline = performance.now() + deps.settings.lockDurationMs;
  while (inFlight.length > 0 && performance.now() < deadline) {
    await sleep(deps.settings.pollIntervalMs);
    inFlight = await store.missing(inFlight);
  }
  logger.warn({ withdrawn, stillRunning: inFlight.length, why }, 'queued operations withdrawn from the queue');
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

async function collectResults(
  store: RunStore,
  plan: Plan,
  stop: Stop | undefined,
  unreachable: boolean,
): Promise<OperationResult[]> {
  const recorded = new Map((await store.results()).map((r) => [r.index, r]));
  const breaker = await store.breakerTripped();
  return plan.operations.map((op: Operation, index) => {
    const r = recorded.get(index);
    if (r) return r;
    const note = breaker
      ? 'run stopped: credentials rejected'
      : unreachable
        ? 'run stopped: the AWS SCIM endpoint could not be reached'
        : stop === 'interrupted'
          ? 'run interrupted before this operation started'
          : stop === 'no-worker'
            ? 'not started: no worker consumed the queue; withdrawn from it'
            : 'not started';
    return { index, kind: op.kind, externalId: operationExternalId(op), status: 'skipped' as const, attempts: 0, note };
  });
}
