import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { lockKey } from './keys.js';

/** Deletes the lock only if we still hold it, so an expired lock taken over by another run is left alone. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const REFRESH = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface RunLock {
  readonly holder: string;
  /** Set if the lock was lost (expired and taken, or Redis lost it): the run must stop applying. */
  readonly lost: boolean;
  release(): Promise<void>;
}

/**
 * One sync at a time, since a CronJob may start two Jobs for one schedule
 * (https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#cron-job-limitations):
 * a Redis key with a TTL, refreshed at a third of the TTL
 * while the run lives, so a crashed producer blocks the next run for at most one TTL.
 * Resolves null when another run holds it.
 */
export async function acquireRunLock(
  redis: Redis,
  prefix: string,
  name: string,
  ttlMs: number,
  onLost?: () => void,
): Promise<RunLock | null> {
  const key = lockKey(prefix, name);
  const holder = randomUUID();
  const ok = await redis.set(key, holder, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return null;
  let lost = false;
  const timer = setInterval(
    () => {
      redis
        .eval(REFRESH, 1, key, holder, String(ttlMs))
        .then((r) => {
          if (r === 1 || lost) return;
          lost = true;
          onLost?.();
        })
        .catch(() => undefined);
    },
    Math.max(1000, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    holder,
    get lost() {
      return lost;
    },
    async release() {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, holder);
    },
  };
}
