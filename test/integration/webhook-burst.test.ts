/**
 * Webhook burst: 1,000 Graph notifications and 1,000 Okta events in a few
 * seconds, 30 % of them re-deliveries, against an in-memory sink and the Redis dedupe on
 * 127.0.0.1:6379 under a unique key prefix. Every POST is acked well inside Graph's and Okta's
 * 3 s, replays are dropped, and Redis holds one expiring key per delivery and nothing else.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/queue/connection.js';
import { RedisDedupe } from '../../src/webhook/dedupe.js';
import {
  graphChange,
  guid,
  oktaBody,
  oktaEvent,
  postGraph,
  postOkta,
  startReceiver,
  type GraphItem,
  type Receiver,
} from '../helpers/webhook.js';

const GRAPH_UNIQUE = 700;
const GRAPH_BATCH = 5;
const GRAPH_REPLAYED_BATCHES = 60;
const OKTA_UNIQUE = 700;
const OKTA_BATCH = 2;
const OKTA_REPLAYED_BODIES = 150;
/** Requests are spread over about this long, as a burst from two senders would arrive. */
const SPREAD_MS = 4000;

type Send = () => Promise<Response>;

function buildRequests(r: Receiver): { sends: Send[]; uniqueDeliveries: number } {
  const graphBatches: GraphItem[][] = [];
  for (let i = 0; i < GRAPH_UNIQUE; i += GRAPH_BATCH) {
    graphBatches.push(Array.from({ length: GRAPH_BATCH }, () => graphChange('user', guid(), { id: randomUUID() })));
  }
  const oktaBodies: string[] = [];
  for (let i = 0; i < OKTA_UNIQUE; i += OKTA_BATCH) {
    oktaBodies.push(
      oktaBody(
        Array.from({ length: OKTA_BATCH }, (_, j) =>
          oktaEvent('user.account.update_profile', [{ id: `00u${i + j}x${randomUUID().slice(0, 8)}`, type: 'User' }]),
        ),
      ),
    );
  }
  const sends: Send[] = [
    ...graphBatches.map((b) => () => postGraph(r, b)),
    ...graphBatches.slice(0, GRAPH_REPLAYED_BATCHES).map((b) => () => postGraph(r, b)),
    ...oktaBodies.map((b) => () => postOkta(r, b)),
    ...oktaBodies.slice(0, OKTA_REPLAYED_BODIES).map((b) => () => postOkta(r, b)),
  ];
  // Replays land among the originals, some before them: delivery order is not promised.
  for (let i = sends.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [sends[i], sends[j]] = [sends[j]!, sends[i]!];
  }
  return { sends, uniqueDeliveries: GRAPH_UNIQUE + OKTA_UNIQUE };
}

async function fire(sends: Send[]): Promise<{ statuses: number[]; clientMs: number[] }> {
  const gap = SPREAD_MS / sends.length;
  const results = await Promise.all(
    sends.map(async (send, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * gap));
      const started = performance.now();
      const res = await send();
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    }),
  );
  return { statuses: results.map((x) => x.status), clientMs: results.map((x) => x.ms) };
}

describe('webhook burst: 2,000 deliveries, 30 % of them repeated', () => {
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

  it('acks 2,000 notifications with 30 % replays at p99 < 500 ms, each delivery enqueued once', async ({
    annotate,
  }) => {
    r = await startReceiver({ dedupe: new RedisDedupe(redis, prefix) });
    const { sends, uniqueDeliveries } = buildRequests(r);
    const started = performance.now();
    const { statuses, clientMs } = await fire(sends);
    const elapsedMs = performance.now() - started;

    const p99 = r.metrics.ackSeconds.quantile(0.99) * 1000;
    const max = r.metrics.ackSeconds.max() * 1000;
    await annotate(
      `${sends.length} POSTs (${2000} notifications) in ${Math.round(elapsedMs)} ms: server ack p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms; client max ${Math.max(...clientMs).toFixed(1)} ms`,
      'webhook-burst',
    );

    expect(statuses.filter((s) => s !== 202 && s !== 200)).toEqual([]);
    expect(elapsedMs).toBeLessThan(10_000);
    expect(r.metrics.ackSeconds.count()).toBe(sends.length);
    expect(p99).toBeLessThan(500);
    expect(max).toBeLessThan(3000);
    expect(Math.max(...clientMs)).toBeLessThan(3000);

    expect(r.sink.hints).toHaveLength(uniqueDeliveries);
    expect(new Set(r.sink.keys()).size).toBe(uniqueDeliveries);
    const replayed = GRAPH_REPLAYED_BATCHES * GRAPH_BATCH + OKTA_REPLAYED_BODIES * OKTA_BATCH;
    expect(r.metrics.deduplicated.get({ origin: 'graph' }) + r.metrics.deduplicated.get({ origin: 'okta' })).toBe(
      replayed,
    );

    const keys = await redis.keys(`${prefix}:*`);
    expect(keys).toHaveLength(uniqueDeliveries);
    expect(keys.every((k) => k.startsWith(`${prefix}:webhook:seen:`))).toBe(true);
    const ttl = await redis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(86_000);
    expect(ttl).toBeLessThanOrEqual(86_400);
  });
});
