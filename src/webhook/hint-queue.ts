import { DelayedError, type Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { scrubError, type Logger } from '../log/logger.js';
import { syncWaitingKey } from '../queue/keys.js';
import { acquireRunLock } from '../queue/run-lock.js';
import { runTargeted, type TargetedDeps } from '../sync/targeted.js';
import { hintKey, type HintSink, type ReReadHint } from '../model/hints.js';

/**
 * Hints wait this long before they are processed; more hints for the same object within the
 * window collapse into the pending one (BullMQ debounce deduplication: ttl = delay, extend,
 * replace). Once the re-read starts, the key has expired, so a change arriving during the re-read
 * queues a new one instead of being lost.
 */
export const HINT_DEBOUNCE_MS = 2000;
/** While a full sync holds or waits for the run lock, a hint waits and tries again after this long. */
const LOCKED_RETRY_MS = 5000;
/**
 * One hint run holds the run lock at most this long: a re-read stuck in a source's retries is
 * abandoned (and the job retried later) rather than keep the scheduled full sync waiting.
 */
export const HINT_LOCK_HOLD_MS = 120_000;

/** The webhook receiver's HintSink: one BullMQ job per object, coalesced. Rejects when Redis does. */
export class QueueHintSink implements HintSink {
  constructor(private readonly queue: Queue<ReReadHint>) {}

  async enqueue(hints: readonly ReReadHint[]): Promise<void> {
    await this.queue.addBulk(
      hints.map((hint) => ({
        name: hint.kind,
        data: hint,
        opts: {
          delay: HINT_DEBOUNCE_MS,
          deduplication: { id: hintKey(hint), ttl: HINT_DEBOUNCE_MS, extend: true, replace: true },
          attempts: 8,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: true,
          removeOnFail: { count: 1000 },
        },
      })),
    );
  }
}

export interface HintWorkerDeps {
  targeted: TargetedDeps;
  redis: Redis;
  prefix: string;
  queueName: string;
  runLockTtlMs: number;
  /** Bound on one hint run's hold of the run lock; HINT_LOCK_HOLD_MS by default. */
  lockHoldMs?: number;
  logger: Logger;
  /** Configured secret values, scrubbed from every error before BullMQ stores it in Redis. */
  secrets?: readonly string[];
}

/**
 * Processes hints one at a time under the same run lock as the full sync, so webhook-triggered
 * writes never interleave with a scheduled run.
 */
export function startHintWorker(deps: HintWorkerDeps): Worker<ReReadHint> {
  const secrets = deps.secrets ?? [];
  const worker = new Worker<ReReadHint>(
    deps.queueName,
    async (job, token) => {
      try {
        return await processHint(job, token, deps);
      } catch (err) {
        if (err instanceof DelayedError) throw err;
        throw scrubError(err, secrets);
      }
    },
    { connection: deps.redis, prefix: deps.prefix, concurrency: 1 },
  );
  worker.on('error', (err) => deps.logger.error({ err: scrubError(err, secrets) }, 'hint worker error'));
  worker.on('failed', (job, err) => {
    const hint = job
      ? {
          kind: job.data.kind,
          sourceId: job.data.sourceId,
          attemptsMade: job.attemptsMade,
          attempts: job.opts.attempts,
        }
      : undefined;
    deps.logger.warn(
      { hint, err: scrubError(err, secrets) },
      'hint run failed; it is retried with backoff, and the scheduled full sync repairs anything it missed',
    );
  });
  return worker;
}

async function processHint(job: Job<ReReadHint>, token: string | undefined, deps: HintWorkerDeps): Promise<string> {
  const fullSyncWaiting = (await deps.redis.exists(syncWaitingKey(deps.prefix))) === 1;
  const lock = fullSyncWaiting ? null : await acquireRunLock(deps.redis, deps.prefix, 'sync', deps.runLockTtlMs);
  if (!lock) {
    await job.moveToDelayed(Date.now() + LOCKED_RETRY_MS, token);
    throw new DelayedError();
  }
  try {
    const { report } = await runTargeted(
      deps.targeted,
      [job.data],
      Date.now,
      AbortSignal.timeout(deps.lockHoldMs ?? HINT_LOCK_HOLD_MS),
    );
    deps.logger.info(
      {
        hint: { kind: job.data.kind, sourceId: job.data.sourceId },
        status: report.status,
        operations: report.plan?.operations ?? 0,
      },
      'hint processed',
    );
    return report.status;
  } finally {
    await lock.release();
  }
}
