import { z } from 'zod';
import { int, num } from './number.js';
import { entraSourceConfigSchema } from '../sources/entra/config.js';
import { fileSourceConfigSchema } from '../sources/file/config.js';
import { ldapSourceConfigSchema } from '../sources/ldap/config.js';
import { oktaSourceConfigSchema } from '../sources/okta/config.js';
import { webhookConfigSchema } from './webhook.js';
import { secretRefSchema } from '../secret/secret.js';

/** YAML gives booleans and numbers; environment overrides give strings. Both are accepted. */
const bool = (fallback: boolean) => z.union([z.boolean(), z.stringbool()]).default(fallback);

/**
 * The bearer token only ever goes to an IAM Identity Center SCIM endpoint, `https://scim.<region>.amazonaws.com/
 * <tenant-id>/scim/v2` (https://docs.aws.amazon.com/singlesignon/latest/userguide/how-to-with-scim.html),
 * or to a local emulator when allowed.
 */
const AWS_SCIM_URL = /^https:\/\/scim\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[A-Za-z0-9-]+\/scim\/v2\/?$/;
const LOCAL_URL = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;

const targetSchema = z
  .strictObject({
    baseUrl: z
      .string()
      .describe(
        'SCIM endpoint from the IAM Identity Center console, e.g. https://scim.us-east-1.amazonaws.com/<tenant>/scim/v2',
      ),
    token: secretRefSchema.describe('SCIM bearer token: { env: NAME } or { file: /path }'),
    allowLocalEmulator: bool(false).describe(
      'accept an http://127.0.0.1 base URL (the bundled emulator); never in production',
    ),
    requestTimeoutMs: int(1000, 300_000, 30_000),
    tokenExpiresAt: z
      .union([z.iso.date(), z.iso.datetime({ offset: true })])
      .optional()
      .describe('expiry of the SCIM token as the console shows it (tokens last one year); runs warn before it'),
    tokenExpiryWarningDays: int(30, 365, 30).describe('start warning this many days before tokenExpiresAt'),
    userAgent: z.string().min(1).optional(),
  })
  .superRefine((t, ctx) => {
    if (AWS_SCIM_URL.test(t.baseUrl)) return;
    if (t.allowLocalEmulator && LOCAL_URL.test(t.baseUrl)) return;
    ctx.addIssue({
      code: 'custom',
      path: ['baseUrl'],
      message: t.allowLocalEmulator
        ? 'must be https://scim.<region>.amazonaws.com/<tenant>/scim/v2 or a loopback emulator URL'
        : 'must be https://scim.<region>.amazonaws.com/<tenant>/scim/v2 (set allowLocalEmulator for a loopback emulator)',
    });
  });

const syncSchema = z.strictObject({
  rateLimit: z
    .strictObject({
      requestsPerSecond: num(0.1, 1000, 10).describe('steady SCIM request rate across reads and writes'),
      burst: int(1, 1000, 10),
    })
    .prefault({}),
  concurrency: int(1, 64, 4).describe('writes in flight at once'),
  readConcurrency: int(1, 64, 8).describe('group membership reads in flight at once, within the same rate limit'),
  maxAttempts: int(1, 20, 5).describe('attempts per write on 5xx and network errors (429 never consumes one)'),
  retryBaseMs: int(10, 60_000, 1000),
  retryMaxMs: int(100, 600_000, 60_000),
  maxThrottleWaitMs: int(1000, 86_400_000, 3_600_000).describe(
    'give up on a run throttled (429) longer than this in total',
  ),
  lockWaitMs: int(0, 86_400_000, 600_000).describe(
    'how long a sync waits for another run to release the run lock before it exits 10 (locked)',
  ),
  nameFallback: z.enum(['derive', 'skip']).default('derive'),
  maxNestingDepth: int(1, 100, 10),
  groupCreateMembers: z
    .enum(['inline', 'patch'])
    .default('inline')
    .describe(
      'inline: a new group carries its first 100 members in the create (AWS CreateGroup); patch: created empty, members by PATCH',
    ),
  adopt: bool(false).describe('claim existing AWS users/groups without externalId by userName/displayName'),
  deleteGracePeriodDays: num(0, 3650, 30),
  brake: z
    .strictObject({
      percent: num(0, 100, 5),
      minimum: int(0, 1_000_000, 10),
      absolute: z.coerce
        .number()
        .int()
        .min(0)
        .optional()
        .describe('fixed threshold that replaces max(percent, minimum)'),
    })
    .prefault({}),
  maxSourceShrinkPercent: num(0, 100, 20),
  membershipVerifyIntervalHours: num(0, 24 * 365, 24).describe(
    're-read every group membership from AWS at least this often',
  ),
  maskAuditValues: bool(false).describe('audit log lines name each changed field but mask its values (PII)'),
});

const stateSchema = z.strictObject({
  kind: z
    .enum(['file', 'redis'])
    .default('file')
    .describe('redis keeps state beside the queue, for workers on several machines'),
  path: z.string().min(1).default('.icsync-state/state.json'),
});

const redisSchema = z.strictObject({
  url: z
    .string()
    .regex(
      /^rediss?:\/\/[^@/]+(\/\d+)?\/?$/,
      'redis://host:port[/db] or rediss://…, without credentials (use password)',
    )
    .default('redis://127.0.0.1:6379'),
  password: secretRefSchema.optional(),
  username: z.string().min(1).optional(),
  keyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .default('icsync'),
  allowUnverifiedEviction: bool(false).describe(
    'run when CONFIG GET maxmemory-policy is not permitted (managed Redis); keys may be evicted',
  ),
});

const queueSchema = z.strictObject({
  enabled: bool(false).describe('apply plans through BullMQ workers (`icsync worker`) instead of in this process'),
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,60}$/)
    .default('icsync-scim'),
  runLockTtlMs: int(5_000, 3_600_000, 60_000).describe('a crashed producer blocks new runs at most this long'),
  stalledIntervalMs: int(1_000, 600_000, 30_000),
  lockDurationMs: int(1_000, 600_000, 30_000),
  pollIntervalMs: int(10, 10_000, 250),
  reconcileIntervalMs: int(50, 600_000, 5_000).describe(
    'how often the producer looks for jobs that ended without a result (stalled twice, lost)',
  ),
  keepFailedJobs: int(0, 1_000_000, 1000),
  workerHeartbeatMs: int(100, 60_000, 5_000).describe(
    'icsync worker: how often each worker records in Redis that it consumes the queue',
  ),
  workerWaitMs: int(500, 3_600_000, 60_000).describe(
    'sync --queue: stop (exit 13) when no worker heartbeat was seen for this long',
  ),
  health: z
    .strictObject({
      port: int(0, 65_535, 9464),
      host: z.string().min(1).default('0.0.0.0'),
      maxRedisOutageMs: int(1_000, 3_600_000, 120_000).describe(
        '/healthz fails once Redis has been unreachable this long',
      ),
      maxEventLoopStallMs: int(100, 600_000, 10_000).describe(
        '/healthz fails when the event loop was blocked this long',
      ),
    })
    .optional()
    .describe('icsync worker: /healthz, /readyz and Prometheus /metrics on their own port; no listener when absent'),
});

const metricsSchema = z.strictObject({
  pushgateway: z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }).refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'without credentials'),
      job: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,60}$/)
        .default('icsync-sync'),
      timeoutMs: int(100, 60_000, 5_000),
    })
    .optional()
    .describe('sync: push the run outcome to this Prometheus Pushgateway when the run ends'),
  scimTokenExpiresAt: z.iso
    .date()
    .optional()
    .describe('expiry date of the SCIM token (console: Manage access tokens); exported for an alert'),
});

const logSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const outputSchema = z.strictObject({
  maskPii: bool(false).describe(
    'the plan table masks names, emails, phone numbers, addresses and employee numbers; --json stays the exact plan',
  ),
});
/**
 * Migration from another provisioner (docs/migration.md). Entra's and Okta's AWS apps leave their own
 * externalId on what they created; with `takeover`, an AWS user or group whose externalId equals the
 * immutable id of one of this source's objects (Entra object id, Okta id, entryUUID/objectGUID, file id)
 * is claimed in place: its externalId is PATCHed to icsync's, so its AWS id, permission sets and
 * memberships stay. Objects without any externalId are `sync.adopt`'s, not this setting's.
 */
const takeoverSchema = z
  .strictObject({
    match: z
      .enum(['externalId', 'externalId+name'])
      .describe(
        'externalId: the foreign externalId equals the source id; externalId+name: and the userName (users) or displayName (groups) is equal too',
      ),
  })
  .describe('claim objects another provisioner created for this source; more than the brake threshold needs --approve');

const takeover = { takeover: takeoverSchema.optional() };

export const sourceConfigSchema = z.discriminatedUnion('type', [
  fileSourceConfigSchema.safeExtend(takeover),
  ldapSourceConfigSchema.safeExtend(takeover),
  entraSourceConfigSchema.safeExtend(takeover),
  oktaSourceConfigSchema.safeExtend(takeover),
]);

export const configSchema = z
  .strictObject({
    sources: z.array(sourceConfigSchema).min(1),
    target: targetSchema,
    sync: syncSchema.prefault({}),
    state: stateSchema.prefault({}),
    redis: redisSchema.prefault({}),
    queue: queueSchema.prefault({}),
    log: logSchema.prefault({}),
    output: outputSchema.prefault({}),
    metrics: metricsSchema.prefault({}),
    serve: webhookConfigSchema.optional().describe('the webhook receiver (icsync serve); see docs/webhooks.md'),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.sources.forEach((s, i) => {
      if (seen.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${s.id}"` });
      seen.add(s.id);
    });
    if (c.sync.retryMaxMs < c.sync.retryBaseMs) {
      ctx.addIssue({ code: 'custom', path: ['sync', 'retryMaxMs'], message: 'must be ≥ sync.retryBaseMs' });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type SourceConfig = z.infer<typeof sourceConfigSchema>;
export type SyncSettings = Config['sync'];
export type RedisSettings = Config['redis'];
export type QueueSettings = Config['queue'];
