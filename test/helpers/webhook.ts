import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger, silentLogger, type Logger } from '../../src/log/logger.js';
import { webhookConfigSchema, type WebhookConfig, type WebhookConfigInput } from '../../src/config/webhook.js';
import { MemoryDedupe, type HintDedupe } from '../../src/webhook/dedupe.js';
import type { GraphRouteOptions } from '../../src/webhook/graph.js';
import type { HintSink, ReReadHint } from '../../src/model/hints.js';
import { createWebhookMetrics, type WebhookMetrics } from '../../src/webhook/metrics.js';
import { createWebhookServer, type WebhookServer } from '../../src/webhook/server.js';

export const CLIENT_STATE = 'graph-client-state-canary-6f1d2c9a7b3e4f5a8c0d1e2f';
export const OKTA_SECRET = 'okta-hook-secret-canary-0a9b8c7d6e5f';
export const TENANT_ID = '11111111-2222-4333-8444-555555555555';
export const ENTRA_SOURCE = 'corp-entra';
export const OKTA_SOURCE = 'corp-okta';
export const GRAPH_PATH = '/webhooks/graph';
export const OKTA_PATH = '/webhooks/okta';

/**
 * Records hints; `fail` makes it reject and `delayMs` makes it slow, as Redis down or overloaded would;
 * `hold()` keeps it waiting until released, for a deadline that must not depend on how fast the machine is.
 */
export class MemorySink implements HintSink {
  readonly hints: ReReadHint[] = [];
  calls = 0;
  fail = false;
  delayMs = 0;
  #gate: Promise<void> | undefined;

  hold(): () => void {
    let release!: () => void;
    this.#gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.#gate = undefined;
      release();
    };
  }

  async enqueue(hints: readonly ReReadHint[]): Promise<void> {
    this.calls += 1;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    await this.#gate;
    if (this.fail) throw new Error('sink down');
    this.hints.push(...hints);
  }

  keys(): string[] {
    return this.hints.map((h) => `${h.origin}:${h.kind}:${h.id}`).sort();
  }
}

/** Log lines as text, to check that nothing secret or untrusted is written. */
export function captureLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), text: () => lines.join('') };
}

export interface Receiver {
  base: string;
  url(path: string): string;
  sink: MemorySink;
  dedupe: HintDedupe;
  metrics: WebhookMetrics;
  server: WebhookServer;
  config: WebhookConfig;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  config?: Partial<WebhookConfigInput>;
  dedupe?: HintDedupe;
  logger?: Logger;
  readiness?: () => Promise<boolean>;
  graph?: Partial<GraphRouteOptions>;
  oktaHeader?: string;
  onOktaFullSyncWanted?: (reason: string) => void;
  lastFullSync?: () => number | undefined;
}

export function webhookConfig(overrides: Partial<WebhookConfigInput> = {}): WebhookConfig {
  return webhookConfigSchema.parse({
    port: 0,
    host: '127.0.0.1',
    graph: {
      sourceId: ENTRA_SOURCE,
      clientState: { env: 'UNUSED' },
      subscriptions: { notificationUrl: 'https://hooks.example.com/webhooks/graph' },
    },
    okta: { sourceId: OKTA_SOURCE, secret: { env: 'UNUSED' } },
    ...overrides,
  });
}

/** A receiver on 127.0.0.1, port 0, with an in-memory sink and (unless given) in-memory dedupe. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const config = webhookConfig(options.config);
  const sink = new MemorySink();
  const dedupe = options.dedupe ?? new MemoryDedupe();
  const metrics = createWebhookMetrics(options.lastFullSync);
  const server = createWebhookServer({
    config,
    sink,
    dedupe,
    metrics,
    logger: options.logger ?? silentLogger(),
    readiness: options.readiness ?? (async () => true),
    graph: { sourceId: ENTRA_SOURCE, clientState: CLIENT_STATE, tenantId: TENANT_ID, ...options.graph },
    okta: {
      sourceId: OKTA_SOURCE,
      secret: OKTA_SECRET,
      header: options.oktaHeader ?? config.okta?.header ?? 'authorization',
      ...(options.onOktaFullSyncWanted ? { onFullSyncWanted: options.onOktaFullSyncWanted } : {}),
    },
  });
  const { port } = await server.listen();
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    url: (path) => `${base}${path}`,
    sink,
    dedupe,
    metrics,
    server,
    config,
    close: () => server.close(1000),
  };
}

export interface GraphItem {
  subscriptionId?: string;
  clientState?: unknown;
  changeType?: string;
  resource?: string;
  tenantId?: string;
  id?: string;
  resourceData?: Record<string, unknown>;
  lifecycleEvent?: string;
}

export const guid = (): string => randomUUID();

/** A change notification for a user or group, shaped as Graph sends them for directory objects. */
export function graphChange(kind: 'user' | 'group', id: string = guid(), overrides: GraphItem = {}): GraphItem {
  const type = kind === 'user' ? 'User' : 'Group';
  return {
    subscriptionId: '0f0e0d0c-0b0a-4908-8706-050403020100',
    clientState: CLIENT_STATE,
    changeType: 'updated',
    resource: `${type}s/${id}`,
    tenantId: TENANT_ID,
    resourceData: { '@odata.type': `#Microsoft.Graph.${type}`, '@odata.id': `${type}s/${id}`, id },
    ...overrides,
  };
}

export function graphLifecycle(lifecycleEvent: string, subscriptionId: string = guid()): GraphItem {
  return { subscriptionId, clientState: CLIENT_STATE, tenantId: TENANT_ID, lifecycleEvent };
}

export interface OktaTarget {
  id: string;
  type: string;
}

export function oktaEvent(
  eventType: string,
  targets: OktaTarget[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    uuid: randomUUID(),
    published: new Date().toISOString(),
    eventType,
    version: '0',
    severity: 'INFO',
    target: targets,
    ...overrides,
  };
}

export function oktaBody(events: Record<string, unknown>[]): string {
  return JSON.stringify({
    eventType: 'com.okta.event_hook',
    eventTypeVersion: '1.0',
    cloudEventsVersion: '0.1',
    eventId: randomUUID(),
    data: { events },
  });
}

export const oktaUser = (n: number): OktaTarget => ({ id: `00u${String(n).padStart(17, '0')}`, type: 'User' });
export const oktaGroup = (n: number): OktaTarget => ({ id: `00g${String(n).padStart(17, '0')}`, type: 'UserGroup' });

export async function postGraph(
  r: Receiver,
  items: GraphItem[],
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(r.url(GRAPH_PATH), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ value: items }),
  });
}

/** `secret: null` sends no Authorization header. */
export async function postOkta(
  r: Receiver,
  body: string,
  secret: string | null = OKTA_SECRET,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(r.url(OKTA_PATH), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { authorization: secret }), ...headers },
    body,
  });
}
