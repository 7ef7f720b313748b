import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/logger.js';
import type { WebhookConfig } from '../config/webhook.js';
import type { HintDedupe } from './dedupe.js';
import { graphRoute, type GraphRouteOptions } from './graph.js';
import type { HintSink } from '../model/hints.js';
import { BodyTooLargeError, ClientAbortedError, reply, TEXT, withDeadline } from './http.js';
import { SinkUnavailableError } from './ingest.js';
import type { Origin, WebhookMetrics } from './metrics.js';
import { oktaRoute, type OktaRouteOptions } from './okta.js';
import { createOpsServer, PROMETHEUS_CONTENT_TYPE } from '../ops/ops-server.js';
import type { RouteContext, RouteHandler } from './route.js';

export interface WebhookServerOptions {
  config: WebhookConfig;
  sink: HintSink;
  dedupe: HintDedupe;
  logger: Logger;
  metrics: WebhookMetrics;
  /** True when the sink's backend (Redis) answers; drives /readyz. */
  readiness: () => Promise<boolean>;
  /** Resolved Graph settings; the route is served when given and `config.graph.enabled`. */
  graph?: GraphRouteOptions;
  okta?: OktaRouteOptions;
}

export interface WebhookServer {
  listen(): Promise<{ host: string; port: number }>;
  /** Where /metrics is served when `config.metricsPort` is set; known after listen(). */
  readonly metricsAddress: { host: string; port: number } | undefined;
  /** Stops accepting, lets requests in flight finish (at most `drainMs`), then closes every connection. */
  close(drainMs?: number): Promise<void>;
  readonly address: { host: string; port: number } | undefined;
}

/** After a 413 the rest of the body is not read; the connection is cut once the answer had time to arrive. */
const LINGER_MS = 1000;
const READINESS_TIMEOUT_MS = 1000;
const DEFAULT_DRAIN_MS = 10_000;
const CHECK_INTERVAL_MS = 500;

interface Route {
  origin: Origin;
  handle: RouteHandler;
}

export function createWebhookServer(options: WebhookServerOptions): WebhookServer {
  const { config, logger, metrics } = options;
  const log = logger.child({ component: 'webhook' });
  const ctx: RouteContext = {
    sink: options.sink,
    dedupe: options.dedupe,
    metrics,
    logger: log,
    dedupeTtlSeconds: config.dedupeTtlSeconds,
    bodyLimitBytes: config.bodyLimitBytes,
  };
  const routes = buildRoutes(options, ctx);
  const state = { draining: false, inFlight: 0, idle: undefined as (() => void) | undefined };
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : createOpsServer(config.host, config.metricsPort, {
          '/metrics': async () => ({ status: 200, body: await metrics.render(), contentType: PROMETHEUS_CONTENT_TYPE }),
        });
  let metricsAddress: { host: string; port: number } | undefined;

  // Node checks the request and header timeouts every `connectionsCheckingInterval` (30 s by
  // default), which would let a slow-loris client hold a socket far past the configured limit.
  const timeouts = {
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
    keepAliveTimeout: 5000,
  };
  const server: Server = createServer(timeouts, (req, res) => {
    state.inFlight += 1;
    res.once('close', () => {
      state.inFlight -= 1;
      if (state.inFlight === 0) state.idle?.();
    });
    if (state.draining) res.setHeader('Connection', 'close');
    dispatch(req, res).catch((err: unknown) => {
      log.error({ err: { message: (err as Error).message } }, 'request failed');
      reply(res, 500);
    });
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = requestUrl(req);
    if (url === undefined) return reply(res, 400);
    const route = routes.get(url.pathname);
    if (route !== undefined) {
      res.once('finish', () =>
        metrics.ackSeconds.observe({ origin: route.origin }, (performance.now() - started) / 1000),
      );
      return handleWebhook(route, req, res, url, Date.now() + config.ackTimeoutMs);
    }
    return handleOps(url.pathname, req, res);
  }

  async function handleWebhook(
    route: Route,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    deadline: number,
  ): Promise<void> {
    try {
      await route.handle(req, res, url, deadline);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return refuseTooLarge(route.origin, req, res);
      if (err instanceof SinkUnavailableError) return reply(res, 503, '', TEXT, { 'Retry-After': '5' });
      if (err instanceof ClientAbortedError) return;
      throw err;
    }
  }

  function refuseTooLarge(origin: Origin, req: IncomingMessage, res: ServerResponse): void {
    metrics.rejected.inc({ origin, reason: 'body-too-large' });
    log.warn({ origin, limit: config.bodyLimitBytes, remote: req.socket.remoteAddress }, 'refused an oversized body');
    res.once('finish', () => {
      if (req.complete) return;
      setTimeout(() => {
        if (!req.complete) req.socket.destroy();
      }, LINGER_MS).unref();
    });
    reply(res, 413);
  }

  async function handleOps(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ops: Record<string, () => Promise<void> | void> = {
      '/healthz': () => reply(res, 200, 'ok\n'),
      '/readyz': async () => ((await isReady()) ? reply(res, 200, 'ready\n') : reply(res, 503, 'not ready\n')),
      ...(metricsServer === undefined
        ? { '/metrics': async () => reply(res, 200, await metrics.render(), PROMETHEUS_CONTENT_TYPE) }
        : {}),
    };
    const op = ops[path];
    if (op === undefined) return reply(res, 404);
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, '', TEXT, { Allow: 'GET, HEAD' });
    return op();
  }

  async function isReady(): Promise<boolean> {
    if (state.draining) return false;
    return withDeadline(options.readiness(), READINESS_TIMEOUT_MS, 'readiness').catch(() => false);
  }

  return {
    listen: () =>
      new Promise<{ host: string; port: number }>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          const bound = server.address() as AddressInfo;
          log.info({ host: bound.address, port: bound.port, routes: [...routes.keys()] }, 'webhook server listening');
          resolve({ host: bound.address, port: bound.port });
        });
      }).then(async (address) => {
        metricsAddress = await metricsServer?.listen();
        return address;
      }),
    close: async (drainMs = DEFAULT_DRAIN_MS) => {
      await Promise.all([closeServer(server, state, drainMs), metricsServer?.close()]);
    },
    get metricsAddress() {
      return metricsAddress;
    },
    get address() {
      const bound = server.address();
      return bound !== null && typeof bound === 'object' ? { host: bound.address, port: bound.port } : undefined;
    },
  };
}

function buildRoutes(options: WebhookServerOptions, ctx: RouteContext): Map<string, Route> {
  const routes = new Map<string, Route>();
  const { graph, okta } = options.config;
  if (graph?.enabled && options.graph)
    routes.set(graph.path, { origin: 'graph', handle: graphRoute(options.graph, ctx) });
  if (okta?.enabled && options.okta) routes.set(okta.path, { origin: 'okta', handle: oktaRoute(options.okta, ctx) });
  return routes;
}

/** The path and query of a request; a request line that is not a path (absolute or garbage) gets a 400. */
function requestUrl(req: IncomingMessage): URL | undefined {
  if (req.url === undefined || !req.url.startsWith('/')) return undefined;
  try {
    return new URL(req.url, 'http://receiver.invalid');
  } catch {
    return undefined;
  }
}

async function closeServer(
  server: Server,
  state: { draining: boolean; inFlight: number; idle: (() => void) | undefined },
  drainMs: number,
): Promise<void> {
  state.draining = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  if (state.inFlight > 0) {
    await new Promise<void>((resolve) => {
      state.idle = resolve;
      setTimeout(resolve, drainMs).unref();
    });
  }
  server.closeAllConnections();
  await closed;
}
