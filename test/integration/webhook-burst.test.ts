/**
 * A webhook burst: Graph notifications and Okta events arriving together, 30 % of them
 * re-deliveries, against an in-memory sink and the Redis dedupe on 127.0.0.1:6379 under a unique
 * key prefix. Every POST is acked, each delivery is enqueued once, replays are dropped, and Redis
 * holds one expiring key per delivery and nothing else. The ack latency of the full-size burst
 * (p99 and max against Graph's and Okta's 3 s) is a figure in `npm run bench`.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/queue/connection.js';
import { RedisDedupe } from '../../src/webhook/dedupe.js';
import { startReceiver, type Receiver } from '../helpers/webhook.js';
import { buildBurst, fireBurst, type BurstShape } from '../helpers/webhookBurst.js';

const SHAPE: BurstShape = {
  graphUnique: 200,
  graphBatch: 5,
  graphReplayedBatches: 15,
  oktaUnique: 200,
  oktaBatch: 2,
  oktaReplayedBodies: 40,
  spreadMs: 1000,
};

describe('webhook burst', () => {
  const prefix = `icsync-test-webhook-${randomUUID().slice(0, 8)}`;
  const redis = createRedis(
    { url: 'redis://127.0.0.1:6379', keyPrefix: prefix, allowUnverifiedEviction: false },
    undefined,
    'producer',
  );
  let r: Receiver | undefined;

  beforeAll(() => redis.connect());
  afterEach(async () => {
    await r?.close();
    r = undefined;
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  afterAll(() => redis.disconnect());

  it('acks a concurrent burst with 30 % replays and enqueues each delivery once', async () => {
    r = await startReceiver({ dedupe: new RedisDedupe(redis, prefix) });
    const { sends, uniqueDeliveries, replayedDeliveries } = buildBurst(r, SHAPE);
    const { statuses } = await fireBurst(sends, SHAPE.spreadMs);

    expect(statuses.filter((s) => s !== 202 && s !== 200)).toEqual([]);
    expect(r.metrics.ackSeconds.count()).toBe(sends.length);
    expect(r.sink.hints).toHaveLength(uniqueDeliveries);
    expect(new Set(r.sink.keys()).size).toBe(uniqueDeliveries);
    expect(r.metrics.deduplicated.get({ origin: 'graph' }) + r.metrics.deduplicated.get({ origin: 'okta' })).toBe(
      replayedDeliveries,
    );

    const keys = await redis.keys(`${prefix}:*`);
    expect(keys).toHaveLength(uniqueDeliveries);
    expect(keys.every((k) => k.startsWith(`${prefix}:webhook:seen:`))).toBe(true);
    const ttl = await redis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(86_000);
    expect(ttl).toBeLessThanOrEqual(86_400);
  });
});
