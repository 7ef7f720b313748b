import type { Config } from '../config/schema.js';
import { assertSafeEnvironment } from '../config/environment.js';
import { resolveSecret } from '../secret/secret.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { Redis } from 'ioredis';
import type { ScimClient } from '../scim/client.js';
import { checkRedis, createRedis } from '../queue/connection.js';
import { startSyncWorker } from '../queue/worker.js';
import { startWorkerHealth } from '../ops/worker-health.js';
import { TokenBucketLimiter } from '../scim/limiter.js';
import { EXIT } from '../sync/exit-codes.js';
import { configSecrets, createScimClient, warnTokenExpiry } from './compose.js';

/**
 * A queue worker as `icsync worker` runs it: its own SCIM client and limiter at the configured rate,
 * BullMQ's limiter and the queue settings from the same config. The bench builds its workers here too.
 */
export function startWorker(
  config: Config,
  deps: { token: string; redis: Redis; log: Logger; secrets?: readonly string[] },
): { scim: ScimClient; running: ReturnType<typeof startSyncWorker> } {
  const limiter = new TokenBucketLimiter({
    ratePerSecond: config.sync.rateLimit.requestsPerSecond,
    burst: config.sync.rateLimit.burst,
  });
  const scim = createScimClient(config, deps.token, limiter, deps.log);
  const running = startSyncWorker({
    scim,
    redis: deps.redis,
    prefix: config.redis.keyPrefix,
    queue: config.queue,
    sync: config.sync,
    logger: deps.log.child({ component: 'worker' }),
    ...(deps.secrets ? { secrets: deps.secrets } : {}),
  });
  return { scim, running };
}

/**
 * `icsync worker`: takes plan operations from the queue until SIGTERM/SIGINT, then stops taking
 * jobs, lets the ones in flight finish (`worker.close()`), and exits 0 (BullMQ graceful shutdown).
 */
export async function runWorkerCommand(
  config: Config,
  env: NodeJS.ProcessEnv,
  stopSignal?: AbortSignal,
): Promise<number> {
  assertSafeEnvironment(env);
  const token = await resolveSecret(config.target.token, env);
  const redisPassword = config.redis.password ? await resolveSecret(config.redis.password, env) : undefined;
  const log = createLogger({ level: config.log.level, secrets: await configSecrets(config, env) });
  warnTokenExpiry(config, log);
  const redis = createRedis(config.redis, redisPassword, 'worker', log);
  try {
    await checkRedis(redis, config.redis);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const { scim, running } = startWorker(config, { token, redis, log, secrets: await configSecrets(config, env) });
  const health = config.queue.health
    ? await startWorkerHealth({ ...config.queue.health, redis, worker: running.worker }).catch(async (err: unknown) => {
        await running.close();
        redis.disconnect();
        throw err;
      })
    : undefined;
  log.info(
    {
      queue: config.queue.name,
      concurrency: config.sync.concurrency,
      requestsPerSecond: config.sync.rateLimit.requestsPerSecond,
      health: health?.address,
    },
    'worker started',
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    stopSignal?.addEventListener('abort', stop, { once: true });
  });
  log.info('worker stopping: finishing jobs in flight');
  await running.close();
  await health?.close();
  await scim.close();
  await redis.quit().catch(() => redis.disconnect());
  log.info('worker stopped');
  return EXIT.success;
}
