import { z } from 'zod';
import { int, number } from './number.js';
import { secretRefSchema } from '../secret/secret.js';
import { SOURCE_ID_PATTERN } from '../model/ids.js';

/** YAML gives booleans and numbers; environment overrides give strings. Both are accepted (as in config/schema.ts). */
const bool = (fallback: boolean) => z.union([z.boolean(), z.stringbool()]).default(fallback);

const sourceId = z.string().regex(SOURCE_ID_PATTERN, 'the id of a configured source');
const routePath = z.string().regex(/^\/[A-Za-z0-9/_.-]{1,200}$/, 'an absolute path such as /webhooks/graph (no query)');
/** Graph delivers only to public HTTPS endpoints (change-notifications-delivery-webhooks). */
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL reachable by Microsoft Graph' });

/**
 * Graph caps user and group subscriptions at 41,760 minutes, just under 29 days
 * (https://learn.microsoft.com/graph/api/resources/subscription).
 */
export const GRAPH_MAX_SUBSCRIPTION_MINUTES = 41_760;

const subscriptionsSchema = z
  .strictObject({
    /** Create and renew the subscriptions from `icsync serve` (a timer); `icsync subscriptions ensure` works either way. */
    manage: bool(true),
    resources: z
      .array(z.enum(['users', 'groups']))
      .min(1)
      .default(['users', 'groups']),
    /** The public URL Graph posts to; it must reach this server's `graph.path`. */
    notificationUrl: httpsUrl,
    /** Where lifecycle notifications go; defaults to notificationUrl. Graph only accepts it at creation. */
    lifecycleNotificationUrl: httpsUrl.optional(),
    /**
     * Requested lifetime. The default stays a day under Graph's maximum so a clock running ahead of
     * Graph's cannot push the expiry past the limit and have the request refused.
     */
    lifetimeMinutes: int(60, GRAPH_MAX_SUBSCRIPTION_MINUTES, GRAPH_MAX_SUBSCRIPTION_MINUTES - 1440),
    /** Renew when fewer minutes than this remain; the default renews at half the lifetime. */
    renewBeforeMinutes: int(10, GRAPH_MAX_SUBSCRIPTION_MINUTES, 20_160),
    /** How often serve checks the subscriptions. */
    checkIntervalMinutes: int(1, 1440, 60),
  })
  .superRefine((s, ctx) => {
    if (s.renewBeforeMinutes >= s.lifetimeMinutes) {
      ctx.addIssue({
        code: 'custom',
        path: ['renewBeforeMinutes'],
        message: 'must be below lifetimeMinutes, or every check renews',
      });
    }
  });

const graphSchema = z.strictObject({
  enabled: bool(true),
  path: routePath.default('/webhooks/graph'),
  /** The Entra source whose objects the notifications name; hints carry this id. */
  sourceId,
  /**
   * Shared with Graph at subscription time and echoed in every notification: 32 to 128 characters (Graph's
   * maximum), random.
   */
  clientState: secretRefSchema,
  subscriptions: subscriptionsSchema,
});

const oktaSchema = z.strictObject({
  enabled: bool(true),
  path: routePath.default('/webhooks/okta'),
  /** The Okta source whose objects the events name; hints carry this id. */
  sourceId,
  /** The event hook's "Authentication secret": Okta sends it verbatim in `header` on every request. */
  secret: secretRefSchema,
  /** The event hook's "Authentication field" (HTTP header names are case-insensitive). */
  header: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'an HTTP header name')
    .transform((h) => h.toLowerCase())
    .default('authorization'),
});

const RESERVED_PATHS = ['/healthz', '/readyz', '/metrics'];

export const webhookConfigSchema = z
  .strictObject({
    port: int(0, 65_535, 8080),
    host: z.string().min(1).default('0.0.0.0'),
    /** When set, GET /metrics is served on this port only, not on the public `port` that Graph and Okta reach. */
    metricsPort: number().int().min(0).max(65_535).optional(),
    /** Bodies are counted while streaming and refused past this (413), before any parsing. */
    bodyLimitBytes: int(1024, 10 * 1024 * 1024, 262_144),
    /** Whole request, body included; closes slow-loris connections (node:http `requestTimeout`). */
    requestTimeoutMs: int(1000, 120_000, 10_000),
    headersTimeoutMs: int(1000, 60_000, 5000),
    /**
     * Persisting hints must finish within this, or the sender gets a 503 and retries. Graph counts a
     * response slower than 2.9 s as slow (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks)
     * and Okta gives up after 3 s (https://developer.okta.com/docs/concepts/event-hooks/).
     */
    ackTimeoutMs: int(100, 2900, 2500),
    /** How long an Okta event uuid (or Graph notification id) is remembered; a day at least, past Graph's retries. */
    dedupeTtlSeconds: int(86_400, 30 * 86_400, 86_400),
    graph: graphSchema.optional(),
    okta: oktaSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const routes = [c.graph?.enabled ? c.graph.path : undefined, c.okta?.enabled ? c.okta.path : undefined].filter(
      (p) => p !== undefined,
    );
    if (routes.length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'serve needs graph or okta enabled' });
    if (routes.length === 2 && routes[0] === routes[1])
      ctx.addIssue({ code: 'custom', path: ['okta', 'path'], message: 'must differ from graph.path' });
    for (const [key, path] of [
      ['graph', c.graph?.path],
      ['okta', c.okta?.path],
    ] as const) {
      if (path !== undefined && RESERVED_PATHS.includes(path))
        ctx.addIssue({ code: 'custom', path: [key, 'path'], message: `${path} is reserved` });
    }
    if (c.metricsPort !== undefined && c.metricsPort !== 0 && c.metricsPort === c.port) {
      ctx.addIssue({ code: 'custom', path: ['metricsPort'], message: 'must differ from port' });
    }
    if (c.headersTimeoutMs > c.requestTimeoutMs)
      ctx.addIssue({ code: 'custom', path: ['headersTimeoutMs'], message: 'must be ≤ requestTimeoutMs' });
  });

export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
export type WebhookConfigInput = z.input<typeof webhookConfigSchema>;
export type GraphWebhookConfig = NonNullable<WebhookConfig['graph']>;
export type GraphSubscriptionSettings = GraphWebhookConfig['subscriptions'];
export type OktaWebhookConfig = NonNullable<WebhookConfig['okta']>;
