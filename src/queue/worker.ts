import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { applyOperation } from '../apply/apply-operation.js';
import { auditEntry } from '../apply/audit.js';
import { backoffDelay } from '../scim/backoff.js';
import {
  classifyFailure,
  createdGroupId,
  describeError,
  unreachableMessage,
  type OperationResult,
} from '../apply/outcome.js';
import type { ScimPort } from '../apply/port.js';
import type { QueueSettings, SyncSettings } from '../config/schema.js';
import { operationExternalId } from '../diff/plan.js';
import { scrub, scrubError, type Logger } from '../log/logger.js';
import { DEFAULT_THROTTLE_PAUSE_MS } from '../scim/transport.js';
import type { OperationJob } from './jobs.js';
import { WorkerHeartbeat } from './heartbeat.js';
import { RunStore } from './run-store.js';

export interface WorkerDeps {
  scim: ScimPort;
  redis: Redis;
  prefix: string;
  queue: QueueSettings;
  sync: SyncSettings;
  logger: Logger;
  /** Configured secret values, scrubbed from every error and result before it is stored in Redis. */
  secrets?: readonly string[];
}

/**
 * `icsync worker`: applies plan operations from the queue with the same `applyOperation` as the
 * in-process executor. One global rate limit across all workers (BullMQ limiter); a SCIM 429 pauses
 * the whole queue and retries without using an attempt (RateLimitError); deterministic 4xx fail at
 * once (UnrecoverableError); 5xx/network use bounded jittered backoff; 401/403 trip the run's breaker
 * so the remaining jobs are skipped, not failed one by one against a credential that no longer works,
 * and so does an endpoint no connection reaches once a job has spent its retries on it.
 */
export function startSyncWorker(deps: WorkerDeps): { worker: Worker<OperationJob>; close(): Promise<void> } {
  const connection = deps.redis;
  const rateQueue = new Queue<OperationJob>(deps.queue.name, { connection, prefix: deps.prefix });
  const secrets = deps.secrets ?? [];
  const worker = new Worker<OperationJob>(
    deps.queue.name,
    (job) => processJob(job, deps, rateQueue).catch((err: unknown) => Promise.reject(scrubJobError(err, secrets))),
    {
      connection,
      prefix: deps.prefix,
      concurrency: deps.sync.concurrency,
      limiter: limiterFor(deps.sync.rateLimit.requestsPerSecond),
      stalledInterval: deps.queue.stalledIntervalMs,
      lockDuration: deps.queue.lockDurationMs,
      maxStalledCount: 1,
      settings: {
        backoffStrategy: (attemptsMade: number) =>
          backoffDelay(attemptsMade, deps.sync.retryBaseMs, deps.sync.retryMaxMs),
      },
    },
  );
  worker.on('error', (err) => deps.logger.error({ err: scrubError(err, secrets) }, 'queue worker error'));
  const heartbeat = new WorkerHeartbeat(connection, deps.prefix, deps.queue.name, deps.queue.workerHeartbeatMs);
  heartbeat.start((err) => deps.logger.warn({ err: scrubError(err, secrets) }, 'worker heartbeat not recorded'));
  return {
    worker,
    async close() {
      await heartbeat.stop();
      await worker.close();
      await rateQueue.close();
    },
  };
}

/**
 * BullMQ's limiter admits `max` jobs per `duration`; a window of about 200 ms keeps the rate smooth
 * instead of a burst at the start of every second.
 */
export function limiterFor(requestsPerSecond: number): { max: number; duration: number } {
  const max = Math.max(1, Math.round(requestsPerSecond / 5));
  return { max, duration: Math.round((1000 * max) / requestsPerSecond) };
}

async function processJob(job: Job<OperationJob>, deps: WorkerDeps, rateQueue: Queue<OperationJob>): Promise<string> {
  const { runId, index, op } = job.data;
  const store = new RunStore(deps.redis, deps.prefix, runId);
  const base = { index, kind: op.kind, externalId: operationExternalId(op) };
  const stopped = await runStopped(store);
  if (stopped) {
    await store.record({ ...base, status: 'skipped', attempts: 0, note: stopped });
    return 'skipped';
  }
  // An earlier attempt failed or its worker died mid-call: it may have committed, so re-read first.
  const ambiguous = job.attemptsMade > 0 || job.stalledCounter > 0;
  try {
    const note = await applyOperation(op, { scim: deps.scim, ids: store }, ambiguous);
    deps.logger.info(
      { runId, audit: await auditEntry(op, store, deps.sync.maskAuditValues), ...(note ? { note } : {}) },
      'audit: SCIM write applied',
    );
    await store.record({
      ...base,
      status: 'applied',
      attempts: job.attemptsMade + 1,
      ...(note ? { note } : {}),
      ...(await createdGroupId(op, store)),
    });
    return note ?? 'applied';
  } catch (err) {
    return handleFailure(err, job, deps, rateQueue, store, base);
  }
}

async function handleFailure(
  err: unknown,
  job: Job<OperationJob>,
  deps: WorkerDeps,
  rateQueue: Queue<OperationJob>,
  store: RunStore,
  base: Pick<OperationResult, 'index' | 'kind' | 'externalId'>,
): Promise<never> {
  const failed = (): OperationResult => ({
    ...base,
    status: 'failed',
    attempts: job.attemptsMade + 1,
    error: scrubbedDescription(err, deps.secrets ?? []),
  });
  switch (classifyFailure(err)) {
    case 'throttle': {
      // BullMQ stores the pause as a Redis PX expiry, which must be ≥ 1 ms (Retry-After: 0 is legal).
      const wait = Math.max(1, (err as { retryAfterMs?: number }).retryAfterMs ?? DEFAULT_THROTTLE_PAUSE_MS);
      await rateQueue.rateLimit(wait);
      throw Worker.RateLimitError();
    }
    case 'auth':
      await store.tripBreaker('credentials rejected');
      await store.record(failed());
      deps.logger.error({ err, runId: job.data.runId }, 'AWS rejected the SCIM credentials; the run is stopped');
      throw new UnrecoverableError(describeError(err).message);
    case 'permanent':
      await store.record(failed());
      throw new UnrecoverableError(describeError(err).message);
    case 'retryable': {
      if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw err;
      const unreachable = unreachableMessage(err);
      if (unreachable !== undefined) {
        await store.markUnreachable(unreachable);
        deps.logger.error(
          { reason: unreachable, runId: job.data.runId },
          'the AWS SCIM endpoint cannot be reached; the run is stopped',
        );
      }
      await store.record(failed());
      throw err;
    }
  }
}

/** Why a job of this run must not write (the note its skipped result carries), or undefined. */
async function runStopped(store: RunStore): Promise<string | undefined> {
  if (await store.breakerTripped()) return 'run stopped: credentials rejected';
  if ((await store.unreachable()) !== undefined) return 'run stopped: the AWS SCIM endpoint could not be reached';
  return undefined;
}

/**
 * BullMQ stores a failed attempt's message and stack in Redis in clear text; scrub them. Its control
 * errors (rate limit, delayed) are recognised by message and class, so they pass untouched.
 */
function scrubJobError(err: unknown, secrets: readonly string[]): unknown {
  if (!(err instanceof Error) || err.message === Worker.RateLimitError().message || err.name === 'DelayedError')
    return err;
  if (!(err instanceof UnrecoverableError)) return scrubError(err, secrets);
  const clean = new UnrecoverableError(scrub(err.message, secrets));
  clean.stack = scrub(err.stack ?? '', secrets);
  return clean;
}

function scrubbedDescription(err: unknown, secrets: readonly string[]): NonNullable<OperationResult['error']> {
  const described = describeError(err);
  return {
    ...described,
    message: scrub(described.message, secrets),
    ...(described.detail ? { detail: scrub(described.detail, secrets) } : {}),
  };
}
