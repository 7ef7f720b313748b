import { randomUUID } from 'node:crypto';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { silentLogger } from '../../src/log/logger.js';
import type { ReReadHint } from '../../src/model/hints.js';
import { syncWaitingKey } from '../../src/queue/keys.js';
import { startHintWorker, type HintWorkerDeps } from '../../src/webhook/hint-queue.js';

/** A hint queue under its own Redis key prefix, so parallel tests never see each other's jobs. */
export interface HintQueueFixture {
  prefix: string;
  redis: Redis;
  queue: Queue<ReReadHint>;
  /** Starts the hint worker as `icsync serve` does, on this fixture's queue. */
  startWorker(targeted: HintWorkerDeps['targeted'], opts?: { logger?: Logger; secrets?: string[] }): Worker<ReReadHint>;
  /** Removes every key under the prefix and disconnects. */
  close(): Promise<void>;
}

export function openHintQueue(label: string): HintQueueFixture {
  const prefix = `icsync-${label}-${randomUUID().slice(0, 8)}`;
  const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null });
  const queue = new Queue<ReReadHint>('hints', { connection: redis, prefix });
  return {
    prefix,
    redis,
    queue,
    startWorker: (targeted, opts = {}) =>
      startHintWorker({
        targeted,
        redis,
        prefix,
        queueName: 'hints',
        runLockTtlMs: 10_000,
        logger: opts.logger ?? silentLogger(),
        ...(opts.secrets ? { secrets: opts.secrets } : {}),
      }),
    close: async () => {
      await queue.obliterate({ force: true });
      await queue.close();
      await redis.del(syncWaitingKey(prefix));
      redis.disconnect();
    },
  };
}
