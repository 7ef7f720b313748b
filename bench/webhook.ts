import { randomUUID } from 'node:crypto';
import { createRedis } from '../src/queue/connection.js';
import { RedisDedupe } from '../src/webhook/dedupe.js';
import { startReceiver } from '../test/helpers/webhook.js';
import { buildBurst, fireBurst, FULL_BURST } from '../test/helpers/webhookBurst.js';

/**
 * The webhook receiver under a burst: 1,000 Graph notifications and 1,000 Okta events in about 4 s,
 * 30 % re-deliveries, with the Redis dedupe on 127.0.0.1:6379 under a throwaway key prefix. Graph
 * expects an answer within 3 s (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks,
 * "HTTP codes and retry logic") and Okta times an event hook out after 3 s
 * (https://developer.okta.com/docs/concepts/event-hooks/), so the server ack p99 and maximum and the
 * client-side maximum are the figures. Prints one JSON line.
 */
const prefix = `icsync-bench-webhook-${randomUUID().slice(0, 8)}`;
const redis = createRedis(
  { url: 'redis://127.0.0.1:6379', keyPrefix: prefix, allowUnverifiedEviction: false },
  undefined,
  'producer',
);
await redis.connect();
const r = await startReceiver({ dedupe: new RedisDedupe(redis, prefix) });
try {
  const { sends, uniqueDeliveries, replayedDeliveries } = buildBurst(r, FULL_BURST);
  const started = performance.now();
  const { statuses, clientMs } = await fireBurst(sends, FULL_BURST.spreadMs);
  const elapsedMs = performance.now() - started;
  console.log(
    JSON.stringify({
      posts: sends.length,
      notifications: uniqueDeliveries + replayedDeliveries,
      notAcked: statuses.filter((s) => s !== 202 && s !== 200).length,
      enqueued: r.sink.hints.length,
      uniqueDeliveries,
      elapsedMs: Math.round(elapsedMs),
      ackP99Ms: Number((r.metrics.ackSeconds.quantile(0.99) * 1000).toFixed(1)),
      ackMaxMs: Number((r.metrics.ackSeconds.max() * 1000).toFixed(1)),
      clientMaxMs: Number(Math.max(...clientMs).toFixed(1)),
    }),
  );
} finally {
  await r.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}
