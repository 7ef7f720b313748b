import { Queue } from 'bullmq';
import type { Config } from '../config/schema.js';
import { resolveSecret } from '../secret/secret.js';
import { ConfigError } from '../errors.js';
import { RedisUnavailableError } from '../errors.js';
import { checkRedis, createRedis } from '../queue/connection.js';
import { QueueHintSink, startHintWorker } from '../webhook/hint-queue.js';
import type { ReReadHint } from '../model/hints.js';
import { compose, configSecrets } from './compose.js';
import { runServeCommand, runSubscriptionsEnsure } from './serve-command.js';

/**
 * `icsync serve`: the webhook receiver plus the hint processor in one process. Hints go to a
 * BullMQ queue on Redis (so a receiver restart loses nothing), and are processed one at a time
 * under the sync run lock through targeted runs: the same planner, brake and executor as a sync.
 */
export async function runServe(config: Config, env: NodeJS.ProcessEnv): Promise<number> {
  const serve = requireServe(config);
  const deps = await compose(config, env, undefined, { tolerateUnreachableRedis: true });
  const password = config.redis.password ? await resolveSecret(config.redis.password, env) : undefined;
  const producer = createRedis(config.redis, password, 'producer', deps.logger);
  const workerRedis = createRedis(config.redis, password, 'worker', deps.logger);
  try {
    // Listen even while Redis is down: /readyz answers 503 and deliveries get 503 (both senders
    // retry a 5xx), so the receiver is up the moment Redis is back. An unsafe eviction policy on a
    // reachable Redis still refuses to start.
    await checkRedis(producer, config.redis).catch((err: unknown) => {
      if (!(err instanceof RedisUnavailableError && err.unreachable)) throw err;
      deps.logger.warn({ err: { message: err.message } }, 'redis not reachable yet; serving with /readyz not ready');
    });
    const hints = new Queue<ReReadHint>(`${config.queue.name}-hints`, {
      connection: producer,
      prefix: config.redis.keyPrefix,
    });
    hints.on('error', (err) => deps.logger.warn({ err: { message: err.message } }, 'hint queue: Redis error'));
    const worker = startHintWorker({
      targeted: deps,
      redis: workerRedis,
      prefix: config.redis.keyPrefix,
      queueName: `${config.queue.name}-hints`,
      runLockTtlMs: config.queue.runLockTtlMs,
      logger: deps.logger.child({ component: 'hints' }),
      secrets: await configSecrets(config, env),
    });
    try {
      return await runServeCommand(config, serve, env, undefined, {
        sink: new QueueHintSink(hints),
        readiness: async () => (await producer.ping().catch(() => '')) === 'PONG',
        lastFullSync: async () => {
          const at = (await deps.state.load()).lastSuccessfulSyncAt;
          return at ? Date.parse(at) / 1000 : undefined;
        },
        logger: deps.logger,
      });
    } finally {
      // With Redis gone, a graceful BullMQ close waits for it forever; past the bound, close at once.
      await closeWithin(
        SHUTDOWN_BOUND_MS,
        () => worker.close(),
        () => worker.close(true),
      );
      await closeWithin(
        SHUTDOWN_BOUND_MS,
        () => hints.close(),
        () => hints.disconnect(),
      );
    }
  } finally {
    producer.disconnect();
    workerRedis.disconnect();
    await closeWithin(
      SHUTDOWN_BOUND_MS,
      () => deps.close(),
      async () => deps.redis?.disconnect(),
    );
  }
}

/** `icsync subscriptions ensure`: create or renew the Graph change-notification subscriptions now. */
export async function runEnsureSubscriptions(
  config: Config,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> {
  return runSubscriptionsEnsure(config, requireServe(config), env, out);
}

function requireServe(config: Config): NonNullable<Config['serve']> {
  if (!config.serve) throw new ConfigError('config: the serve section is missing; see docs/webhooks.md');
  return config.serve;
}

/** How long a graceful close may wait for Redis during shutdown. */
const SHUTDOWN_BOUND_MS = 5_000;

async function closeWithin(ms: number, graceful: () => Promise<void>, forced: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([graceful().then(() => 'closed' as const), late]);
  clearTimeout(timer);
  // The forced close is not awaited either: with Redis gone it may never settle.
  if (outcome === 'late') void forced().catch(() => undefined);
}
