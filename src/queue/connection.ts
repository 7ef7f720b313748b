import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '../config/schema.js';
import { RedisUnavailableError } from '../errors.js';
import type { Logger } from '../log/logger.js';

/**
 * Two connection profiles (BullMQ "going to production"): workers wait out Redis outages
 * (`maxRetriesPerRequest: null`), producers fail fast (`enableOfflineQueue: false`) so a run never
 * starts against a Redis that is down.
 */
export function createRedis(
  settings: RedisSettings,
  password: string | undefined,
  role: 'producer' | 'worker',
  logger?: Logger,
): Redis {
  const url = new URL(settings.url);
  const options: RedisOptions = {
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.replace('/', '') || 0),
    ...(settings.username ? { username: settings.username } : {}),
    ...(password ? { password } : {}),
    ...(url.protocol === 'rediss:' ? { tls: { servername: url.hostname } } : {}),
    connectionName: `icsync-${role}`,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    lazyConnect: role === 'producer',
    retryStrategy: (times) => Math.min(1000 * 2 ** Math.min(times, 5), 20_000),
  };
  const redis = new Redis(options);
  // Without a listener ioredis prints every reconnect failure to the console. The failure reaches
  // the caller through the command that needed the connection; here it is only logged.
  redis.on('error', (err: Error) => logger?.debug({ err: { message: err.message }, role }, 'redis connection error'));
  return redis;
}

/**
 * Startup checks: Redis answers, and it will not evict BullMQ's keys. `noeviction` is the only
 * safe policy (https://docs.bullmq.io/guide/going-to-production): locks and job hashes evicted under memory
 * pressure lose jobs silently. Managed Redis often forbids CONFIG; then only an explicit override runs.
 */
export async function checkRedis(redis: Redis, settings: RedisSettings): Promise<void> {
  try {
    if (redis.status === 'wait') await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new RedisUnavailableError(
      `redis: ${new URL(settings.url).host} is not reachable (${(err as Error).message})`,
      { cause: err, unreachable: true },
    );
  }
  let policy: string | undefined;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    policy = reply[1];
  } catch (err) {
    if (settings.allowUnverifiedEviction) return;
    throw new RedisUnavailableError(
      'redis: cannot read maxmemory-policy (CONFIG GET refused); if this managed Redis is set to noeviction, set redis.allowUnverifiedEviction: true',
      { cause: err },
    );
  }
  if (policy !== 'noeviction' && !settings.allowUnverifiedEviction) {
    throw new RedisUnavailableError(
      `redis: maxmemory-policy is "${policy ?? 'unknown'}"; BullMQ needs "noeviction" or jobs and locks can be evicted (set redis.allowUnverifiedEviction: true to run anyway)`,
    );
  }
}
