/**
 * Every `icsync sync` holds the run lock while it reads, plans and applies, in every state mode:
 * the Redis lock when Redis is configured, else a lock file beside the file state (shared volumes
 * included). A CronJob's `concurrencyPolicy: Forbid` does not cover an operator's manual run
 * (https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy).
 * A sync that finds the lock held waits for it up to `sync.lockWaitMs`; while it waits, webhook
 * hint runs (which take the same lock per hint) yield to it, so the full sync is never starved.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { syncWaitingKey } from '../queue/keys.js';
import { acquireRunLock } from '../queue/run-lock.js';
import { sleep } from '../scim/backoff.js';
import { lockOwner, tryFileLock } from '../state/file-lock.js';

export interface HeldRunLock {
  release(): Promise<void>;
}

export interface SyncLockDeps {
  config: Config;
  redis?: Redis;
  logger: Logger;
  onLost: () => void;
  signal?: AbortSignal;
  pollMs?: number;
}

const DEFAULT_POLL_MS = 1_000;
const WAIT_LOG_EVERY_MS = 30_000;

/** The lock file of the file-state mode, beside the state file. */
export function lockFilePath(config: Config): string {
  return `${config.state.path}.lock`;
}

/** Resolves null when the lock was still held after `sync.lockWaitMs` (or the wait was interrupted). */
export async function acquireSyncLock(deps: SyncLockDeps): Promise<HeldRunLock | null> {
  const { config, redis, logger } = deps;
  const ttlMs = config.queue.runLockTtlMs;
  const attempt = redis
    ? () => acquireRunLock(redis, config.redis.keyPrefix, 'sync', ttlMs, deps.onLost)
    : () => tryFileLock(lockFilePath(config), { ttlMs, onLost: deps.onLost });
  const pollMs = deps.pollMs ?? DEFAULT_POLL_MS;
  const deadline = Date.now() + config.sync.lockWaitMs;
  let lastLog = 0;
  for (;;) {
    const lock = await attempt();
    if (lock) {
      if (lastLog > 0) await redis?.del(syncWaitingKey(config.redis.keyPrefix));
      return lock;
    }
    if (Date.now() >= deadline || deps.signal?.aborted) {
      await redis?.del(syncWaitingKey(config.redis.keyPrefix));
      return null;
    }
    await redis?.set(syncWaitingKey(config.redis.keyPrefix), '1', 'PX', Math.max(pollMs * 5, 5_000));
    if (Date.now() - lastLog >= WAIT_LOG_EVERY_MS) {
      lastLog = Date.now();
      const owner = redis ? undefined : await lockOwner(lockFilePath(config));
      logger.warn(
        { holder: owner, waitUntil: new Date(deadline).toISOString() },
        'another run holds the run lock; waiting for it',
      );
    }
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())), deps.signal).catch(() => undefined);
  }
}
