import type { Redis } from 'ioredis';
import { assertSafeEnvironment } from '../config/environment.js';
import type { Config, SourceConfig } from '../config/schema.js';
import { resolveSecret } from '../secret/secret.js';
import { ConfigError } from '../errors.js';
import { createLogger, type Logger } from '../log/logger.js';
import { createRedis } from '../queue/connection.js';
import { EXIT } from '../sync/exit-codes.js';
import type { GraphWebhookConfig, WebhookConfig } from '../config/webhook.js';
import { RedisDedupe, type HintDedupe } from '../webhook/dedupe.js';
import type { GraphRouteOptions } from '../webhook/graph.js';
import { graphPortForEntraSource } from '../webhook/graph-port.js';
import {
  GraphSubscriptionManager,
  type EnsureOutcome,
  type GraphSubscriptionPort,
} from '../webhook/graph-subscriptions.js';
import type { HintSink } from '../model/hints.js';
import { createWebhookMetrics, type LastFullSync } from '../webhook/metrics.js';
import { createWebhookServer } from '../webhook/server.js';
import { configSecrets } from './compose.js';

export interface ServeDeps {
  /** Where hints go (the BullMQ sink from webhook/hint-queue.ts). */
  sink: HintSink;
  /** Replay protection; defaults to Redis SET NX EX under `redis.keyPrefix`. */
  dedupe?: HintDedupe;
  /** /readyz; defaults to a Redis PING when the default dedupe is used. */
  readiness?: () => Promise<boolean>;
  /** The Graph subscription calls; defaults to the Entra source's app credential over fetch. */
  subscriptionPort?: GraphSubscriptionPort;
  /** Called when a lifecycle event says changes were lost; defaults to a warning (the schedule is the backstop). */
  onFullSyncWanted?: (reason: string) => void;
  lastFullSync?: LastFullSync;
  logger?: Logger;
  onListening?: (address: { host: string; port: number }) => void;
}

/**
 * 32 random bytes are 43+ characters encoded; Graph accepts at most 128
 * (https://learn.microsoft.com/graph/api/resources/subscription).
 */
const CLIENT_STATE_LENGTH = { min: 32, max: 128 };
const OKTA_SECRET_MIN_LENGTH = 16;

/**
 * `icsync serve`: receives Graph change notifications and Okta event hooks and turns them into
 * re-read hints. On SIGTERM/SIGINT (or `signal`) it stops accepting, lets requests in flight finish,
 * and exits 0. The scheduled full sync stays the correctness backstop, since a notification can be lost.
 */
export async function runServeCommand(
  config: Config,
  serve: WebhookConfig,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal | undefined,
  deps: ServeDeps,
): Promise<number> {
  assertSafeEnvironment(env);
  const secrets = await resolveServeSecrets(config, serve, env);
  const log = deps.logger ?? createLogger({ level: config.log.level, secrets: await configSecrets(config, env) });
  const { clientState, oktaSecret } = secrets;
  const graph = serve.graph?.enabled && clientState !== undefined ? serve.graph : undefined;
  const manager =
    graph && clientState !== undefined
      ? await subscriptionManager(config, graph, clientState, env, log, deps.subscriptionPort)
      : undefined;
  const redis =
    deps.dedupe === undefined ? createRedis(config.redis, secrets.redisPassword, 'producer', log) : undefined;
  const dedupe = deps.dedupe ?? (redis ? new RedisDedupe(redis, config.redis.keyPrefix) : undefined);
  if (dedupe === undefined) throw new Error('serve: no replay protection (neither Redis nor an injected dedupe)');
  redis
    ?.connect()
    .catch((err: unknown) =>
      log.warn({ err: { message: (err as Error).message } }, 'redis not reachable yet; /readyz reports not ready'),
    );
  const metrics = createWebhookMetrics(deps.lastFullSync);
  const fullSyncWanted =
    deps.onFullSyncWanted ??
    ((reason: string) =>
      log.warn({ reason }, 'changes may have been missed; the next scheduled full sync repairs them'));
  const server = createWebhookServer({
    config: serve,
    sink: deps.sink,
    dedupe,
    logger: log,
    metrics,
    readiness: deps.readiness ?? (redis ? () => redisReady(redis) : async () => true),
    ...(graph && clientState !== undefined
      ? { graph: graphOptions(config, graph, clientState, manager, fullSyncWanted) }
      : {}),
    ...(serve.okta?.enabled && oktaSecret !== undefined
      ? {
          okta: {
            sourceId: serve.okta.sourceId,
            secret: oktaSecret,
            header: serve.okta.header,
            onFullSyncWanted: fullSyncWanted,
          },
        }
      : {}),
  });
  let renewal: { stop(): void } | undefined;
  try {
    // Listen first and unconditionally: the optional callback is only a notification for callers.
    const address = await server.listen();
    deps.onListening?.(address);
    if (manager !== undefined && serve.graph?.subscriptions.manage) renewal = manager.start();
    await stopRequested(signal);
    log.info('serve stopping: no new connections; finishing requests in flight');
  } finally {
    renewal?.stop();
    await server.close();
    await redis?.quit().catch(() => redis.disconnect());
  }
  const enqueued = metrics.enqueued.get({ origin: 'graph' }) + metrics.enqueued.get({ origin: 'okta' });
  log.info({ enqueued, ackP99Ms: Math.round(metrics.ackSeconds.quantile(0.99) * 1000) }, 'serve stopped');
  return EXIT.success;
}

export interface EnsureDeps {
  subscriptionPort?: GraphSubscriptionPort;
  logger?: Logger;
}

/** `icsync subscriptions ensure`: creates or renews the Graph subscriptions once and prints what it did. */
export async function runSubscriptionsEnsure(
  config: Config,
  serve: WebhookConfig,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  deps: EnsureDeps = {},
): Promise<number> {
  assertSafeEnvironment(env);
  if (serve.graph === undefined) throw new ConfigError('subscriptions ensure: serve.graph is not configured');
  const clientState = await resolveClientState(serve.graph, env);
  const log = deps.logger ?? createLogger({ level: config.log.level, secrets: await configSecrets(config, env) });
  const manager = await subscriptionManager(config, serve.graph, clientState, env, log, deps.subscriptionPort);
  const outcomes = await manager.ensureSubscriptions();
  for (const line of outcomes.map(describe)) out(line);
  return EXIT.success;
}

function describe(o: EnsureOutcome): string {
  const removed = o.removed.length > 0 ? `; removed duplicates ${o.removed.join(', ')}` : '';
  return `${o.resource}: ${o.action} subscription ${o.subscriptionId}, expires ${o.expirationDateTime}${removed}`;
}

interface ServeSecrets {
  clientState?: string;
  oktaSecret?: string;
  redisPassword?: string;
}

async function resolveServeSecrets(
  config: Config,
  serve: WebhookConfig,
  env: NodeJS.ProcessEnv,
): Promise<ServeSecrets> {
  const clientState = serve.graph?.enabled ? await resolveClientState(serve.graph, env) : undefined;
  const oktaSecret = serve.okta?.enabled ? await resolveSecret(serve.okta.secret, env) : undefined;
  if (oktaSecret !== undefined && oktaSecret.length < OKTA_SECRET_MIN_LENGTH) {
    throw new ConfigError(`serve.okta.secret: at least ${OKTA_SECRET_MIN_LENGTH} characters; use a long random value`);
  }
  if (serve.graph?.enabled) requireSource(config, serve.graph.sourceId, 'entra', 'serve.graph.sourceId');
  if (serve.okta?.enabled) requireSource(config, serve.okta.sourceId, 'okta', 'serve.okta.sourceId');
  const redisPassword = config.redis.password ? await resolveSecret(config.redis.password, env) : undefined;
  return {
    ...(clientState ? { clientState } : {}),
    ...(oktaSecret ? { oktaSecret } : {}),
    ...(redisPassword ? { redisPassword } : {}),
  };
}

async function resolveClientState(graph: GraphWebhookConfig, env: NodeJS.ProcessEnv): Promise<string> {
  const value = await resolveSecret(graph.clientState, env);
  if (value.length < CLIENT_STATE_LENGTH.min || value.length > CLIENT_STATE_LENGTH.max) {
    throw new ConfigError(
      `serve.graph.clientState: ${CLIENT_STATE_LENGTH.min} to ${CLIENT_STATE_LENGTH.max} characters (Graph's limit); e.g. openssl rand -base64 48`,
    );
  }
  return value;
}

type SourceOf<T extends SourceConfig['type']> = Extract<SourceConfig, { type: T }>;

/** The hints name objects of this source, so it must be configured and of the right kind. */
function requireSource<T extends 'entra' | 'okta'>(config: Config, id: string, type: T, path: string): SourceOf<T> {
  const source = config.sources.find((s): s is SourceOf<T> => s.id === id && s.type === type);
  if (source === undefined) throw new ConfigError(`${path}: no ${type} source with id "${id}" in sources`);
  return source;
}

async function subscriptionManager(
  config: Config,
  graph: GraphWebhookConfig,
  clientState: string,
  env: NodeJS.ProcessEnv,
  log: Logger,
  port?: GraphSubscriptionPort,
): Promise<GraphSubscriptionManager> {
  const source = requireSource(config, graph.sourceId, 'entra', 'serve.graph.sourceId');
  return new GraphSubscriptionManager({
    port: port ?? (await graphPortForEntraSource(source, env)),
    settings: graph.subscriptions,
    clientState,
    logger: log.child({ component: 'graph-subscriptions' }),
  });
}

function graphOptions(
  config: Config,
  graph: GraphWebhookConfig,
  clientState: string,
  manager: GraphSubscriptionManager | undefined,
  onFullSyncWanted: (reason: string) => void,
): GraphRouteOptions {
  const source = requireSource(config, graph.sourceId, 'entra', 'serve.graph.sourceId');
  return {
    sourceId: graph.sourceId,
    clientState,
    tenantId: source.tenantId,
    ...(manager
      ? { onLifecycle: (notice) => manager.handleLifecycle(notice), ownsSubscription: (id) => manager.owns(id) }
      : {}),
    onFullSyncWanted,
  };
}

async function redisReady(redis: Redis): Promise<boolean> {
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  }
}

function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
  });
}
