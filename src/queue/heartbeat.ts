import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { workersKey } from './keys.js';

/** A worker is alive while its last heartbeat is younger than this many heartbeat intervals. */
const MISSED_BEATS = 3;

/** Redis server time in ms, so producers and workers on machines with skewed clocks agree. */
async function redisNowMs(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/**
 * Each `icsync worker` records a heartbeat in Redis while it consumes a queue, so a producer can
 * tell "the workers are busy" from "no worker at all" (a Deployment scaled to 0, a worker on
 * another queue name or key prefix): BullMQ itself keeps waiting jobs forever.
 */
export class WorkerHeartbeat {
  readonly id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly #redis: Redis;
  readonly #key: string;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(redis: Redis, prefix: string, queueName: string, intervalMs: number) {
    this.#redis = redis;
    this.#key = workersKey(prefix, queueName);
    this.#intervalMs = intervalMs;
  }

  /** Beats now and every interval; a failed beat (Redis down) is retried at the next one. */
  start(onError: (err: unknown) => void): void {
    const beat = (): void => void this.beat().catch(onError);
    beat();
    this.#timer = setInterval(beat, this.#intervalMs);
    this.#timer.unref();
  }

  async beat(): Promise<void> {
    const now = await redisNowMs(this.#redis);
    await this.#redis
      .multi()
      .zadd(this.#key, now, this.id)
      .zremrangebyscore(this.#key, 0, now - 10 * MISSED_BEATS * this.#intervalMs)
      .exec();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#redis.zrem(this.#key, this.id).catch(() => undefined);
  }
}

/** How many workers of the queue beat within the last MISSED_BEATS intervals. */
export async function liveWorkers(
  redis: Redis,
  prefix: string,
  queueName: string,
  intervalMs: number,
): Promise<number> {
  const now = await redisNowMs(redis);
  return redis.zcount(workersKey(prefix, queueName), now - MISSED_BEATS * intervalMs, '+inf');
}
