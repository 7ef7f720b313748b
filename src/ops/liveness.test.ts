import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { LivenessMonitor } from './liveness.js';

class FakeRedis extends EventEmitter {
  status = 'ready';
}

const monitors: LivenessMonitor[] = [];
afterEach(() => {
  for (const m of monitors.splice(0)) m.stop();
});

function monitor(
  options: { now?: () => number; consuming?: () => boolean; heartbeatMs?: number; redis?: FakeRedis } = {},
): { m: LivenessMonitor; redis: FakeRedis } {
  const redis = options.redis ?? new FakeRedis();
  const m = new LivenessMonitor(
    { maxEventLoopStallMs: 100, maxRedisOutageMs: 5_000 },
    redis,
    options.consuming ?? (() => true),
    options.now ?? Date.now,
    options.heartbeatMs ?? 20,
  );
  monitors.push(m);
  return { m, redis };
}

const busyWait = (ms: number): void => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};

// https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
describe('worker liveness', () => {
  it('is live and ready while the loop turns, Redis is connected and the job loop runs', () => {
    const { m } = monitor();
    expect(m.report()).toMatchObject({ live: true, ready: true, reasons: [], redisConnected: true });
  });

  it('reports an event loop that was blocked longer than the bound, and recovers once it turns again', async () => {
    const { m } = monitor();
    busyWait(300);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const stalled = m.report();
    expect(stalled.live).toBe(false);
    expect(stalled.reasons[0]).toMatch(/^event loop stalled \d+ ms \(bound 100 ms\)$/);
    expect(stalled.eventLoopLagMs).toBeGreaterThanOrEqual(200);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(m.report().live).toBe(true);
  });

  it('tolerates a Redis outage up to the bound (not ready meanwhile), then reports it', () => {
    let now = 1_000_000;
    const { m, redis } = monitor({ now: () => now, heartbeatMs: 3_600_000 });
    redis.status = 'reconnecting';
    redis.emit('close');
    now += 4_000;
    expect(m.report()).toMatchObject({ live: true, ready: false, redisConnected: false });
    now += 2_000;
    expect(m.report().reasons).toEqual(['no Redis connection for 6000 ms (bound 5000 ms)']);
    redis.status = 'ready';
    redis.emit('ready');
    expect(m.report()).toMatchObject({ live: true, ready: true });
  });

  it('counts an outage from the first close, not from each reconnect attempt', () => {
    let now = 0;
    const { m, redis } = monitor({ now: () => now, heartbeatMs: 3_600_000 });
    redis.emit('close');
    now += 3_000;
    redis.emit('close');
    redis.emit('end');
    now += 3_000;
    expect(m.report().live).toBe(false);
  });

  it('a worker that starts without Redis counts the outage from its start', () => {
    let now = 0;
    const redis = new FakeRedis();
    redis.status = 'connecting';
    const { m } = monitor({ now: () => now, heartbeatMs: 3_600_000, redis });
    now += 5_001;
    expect(m.report().live).toBe(false);
  });

  it('reports a job loop that stopped', () => {
    const { m } = monitor({ consuming: () => false });
    expect(m.report()).toMatchObject({ live: false, reasons: ['the job loop is not running'] });
  });
});
