import { dirname } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config, SyncSettings } from '../config/schema.js';
import { assertSafeEnvironment } from '../config/environment.js';
import { tokenExpiryNotice } from '../config/token-expiry.js';
import { findSecretRefs, resolveSecret } from '../secret/secret.js';
import { createLogger, type Logger } from '../log/logger.js';
import { RedisUnavailableError } from '../errors.js';
import { checkRedis, createRedis } from '../queue/connection.js';
import type { OperationJob } from '../queue/jobs.js';
import { stateKey } from '../queue/keys.js';
import { queueExecutor } from '../queue/producer.js';
import { ScimClient } from '../scim/client.js';
import { TokenBucketLimiter } from '../scim/limiter.js';
import { ThrottlePolicy } from '../scim/throttle.js';
import { createSource } from './sources.js';
import type { SourceConnector, SourceStateStore } from '../sources/types.js';
import { FileSourceStateStore } from '../state/file-source-state.js';
import { FileStateStore } from '../state/file-store.js';
import { RedisSourceStateStore, RedisStateStore } from '../state/redis-store.js';
import type { StateStore } from '../state/store.js';
import type { RunDeps } from '../sync/run.js';

export interface Composed extends RunDeps {
  limiter: TokenBucketLimiter;
  throttle: ThrottlePolicy;
  scim: ScimClient;
  /** Present when the queue or the Redis state store is configured. */
  redis?: Redis;
  close(): Promise<void>;
}

/**
 * The composition root: config → secrets → logger → Redis (if used) → sources → SCIM client →
 * state store → executor. Secrets are read here and handed to the logger so any accidental echo
 * is scrubbed.
 */
export interface ComposeOptions {
  /** `serve` starts listening with Redis down (its /readyz says so); every other command needs Redis first. */
  tolerateUnreachableRedis?: boolean;
}

export async function compose(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  logger?: Logger,
  options: ComposeOptions = {},
): Promise<Composed> {
  assertSafeEnvironment(env);
  const token = await resolveSecret(config.target.token, env);
  const redisPassword = config.redis.password ? await resolveSecret(config.redis.password, env) : undefined;
  const log = logger ?? createLogger({ level: config.log.level, secrets: await configSecrets(config, env) });
  warnTokenExpiry(config, log);
  const redis =
    config.queue.enabled || config.state.kind === 'redis'
      ? createRedis(config.redis, redisPassword, 'producer', log)
      : undefined;
  if (redis) await checkRedisOrClose(redis, config, options.tolerateUnreachableRedis ?? false, log);
  const { limiter, throttle } = rateControls(config.sync);
  const scim = createScimClient(config, token, limiter, log, throttle);
  const sources: SourceConnector[] = await Promise.all(
    config.sources.map((s) => createSource(s, { logger: log, env, state: sourceState(config, redis, s.id) })),
  );
  // Redis exists whenever the queue is enabled (see above); the check only tells the compiler.
  const queue =
    config.queue.enabled && redis
      ? new Queue<OperationJob>(config.queue.name, { connection: redis, prefix: config.redis.keyPrefix })
      : undefined;
  queue?.on('error', (err) => log.warn({ err: { message: err.message } }, 'queue: Redis error'));
  return {
    config,
    sources,
    scim,
    limiter,
    throttle,
    state: syncState(config, redis),
    logger: log,
    ...(redis ? { redis } : {}),
    ...(queue && redis
      ? {
          executor: queueExecutor({
            queue,
            redis,
            prefix: config.redis.keyPrefix,
            settings: config.queue,
            sync: config.sync,
          }),
        }
      : {}),
    async close() {
      await Promise.allSettled([...sources.map((s) => s.close()), scim.close(), queue?.close()]);
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Every command that talks to AWS says so when the SCIM token is about to expire, or has. */
export function warnTokenExpiry(config: Config, log: Logger, now: number = Date.now()): void {
  const notice = tokenExpiryNotice(config.target.tokenExpiresAt, config.target.tokenExpiryWarningDays, now);
  if (notice) log[notice.level]({ tokenExpiresAt: notice.expiresAt, daysLeft: notice.daysLeft }, notice.message);
}

/**
 * The request limiter at the configured rate, and the one 429 policy that pauses every request
 * through it: what `icsync sync` and `icsync worker` build, and the benches with them.
 */
export function rateControls(sync: SyncSettings): { limiter: TokenBucketLimiter; throttle: ThrottlePolicy } {
  const limiter = new TokenBucketLimiter({
    ratePerSecond: sync.rateLimit.requestsPerSecond,
    burst: sync.rateLimit.burst,
  });
  const throttle = new ThrottlePolicy(limiter, {
    maxWaitMs: sync.maxThrottleWaitMs,
    baseMs: sync.retryBaseMs,
    capMs: sync.retryMaxMs,
  });
  return { limiter, throttle };
}

export function createScimClient(
  config: Config,
  token: string,
  limiter: TokenBucketLimiter,
  log: Logger,
  throttle?: ThrottlePolicy,
): ScimClient {
  return new ScimClient({
    baseUrl: config.target.baseUrl,
    token,
    limiter,
    ...(throttle ? { throttle } : {}),
    requestTimeoutMs: config.target.requestTimeoutMs,
    logger: log.child({ component: 'scim' }),
    ...(config.target.userAgent ? { userAgent: config.target.userAgent } : {}),
  });
}

async function checkRedisOrClose(
  redis: Redis,
  config: Config,
  tolerateUnreachable: boolean,
  log: Logger,
): Promise<void> {
  try {
    await checkRedis(redis, config.redis);
  } catch (err) {
    if (tolerateUnreachable && err instanceof RedisUnavailableError && err.unreachable) {
      log.warn({ err: { message: err.message } }, 'redis not reachable yet; starting anyway, not ready until it is');
      return;
    }
    redis.disconnect();
    throw err;
  }
}

function syncState(config: Config, redis: Redis | undefined): StateStore {
  return config.state.kind === 'redis' && redis
    ? new RedisStateStore(redis, stateKey(config.redis.keyPrefix, 'sync'))
    : new FileStateStore(config.state.path);
}

function sourceState(config: Config, redis: Redis | undefined, sourceId: string): SourceStateStore {
  return config.state.kind === 'redis' && redis
    ? new RedisSourceStateStore(redis, stateKey(config.redis.keyPrefix, `source:${sourceId}`))
    : new FileSourceStateStore(dirname(config.state.path), sourceId);
}

/**
 * Every secret the configuration names (SCIM token, Redis password, source credentials, webhook
 * secrets), resolved so the logger can scrub their values wherever they would appear. A secret that
 * cannot be read is reported by whoever needs it, not here.
 */
export async function configSecrets(config: Config, env: NodeJS.ProcessEnv): Promise<string[]> {
  const values = await Promise.allSettled(findSecretRefs(config).map((ref) => resolveSecret(ref, env)));
  return values.flatMap((v) => (v.status === 'fulfilled' ? [v.value] : []));
}
